"""Which arms are compared: the trial's comparisons, whatever its shape.

Format 1.2 evidence need not be a two-arm trial: a study may have several treatment
arms against one control (PACE: fulvestrant + palbociclib, and the same with avelumab,
each against fulvestrant), or a single group and no control at all. Analyses that
compare two arms ask this module which pairs to compare instead of reading
``Evidence.treatment_arm`` / ``Evidence.control_arm``, which raise for such trials.

The *primary comparison* keeps the figure ids of a two-arm trial (``pfs.hr``,
``orr.rd``, ...), so everything written for PALMIRA still finds its figures; every
further comparison adds a suffix naming its arms (``pfs.hr.fulv_palbo_avel_vs_fulv``).
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.evidence import Arm, Effect, Evidence, TimeToEventEndpoint

__all__ = [
    "ArmPair",
    "comparison_pairs",
    "displayed_arms",
    "effect_pair",
    "endpoint_pairs",
    "primary_outcome_title",
    "primary_pair",
    "single_group_reason",
]


@dataclass(frozen=True)
class ArmPair:
    """Two arms compared: ``treatment`` against ``control``.

    ``suffix`` is appended to figure ids: empty for the primary comparison (ids as in a
    two-arm trial), ``".<treatment>_vs_<control>"`` for every other one.
    """

    treatment: Arm
    control: Arm
    suffix: str = ""

    @property
    def label(self) -> str:
        """Plain-text name, e.g. "Palbociclib + ET vs ET"."""
        return f"{self.treatment.label} vs {self.control.label}"

    @property
    def key(self) -> tuple[str, str]:
        """``(treatment id, control id)``."""
        return self.treatment.id, self.control.id


def _suffix(treatment: str, control: str) -> str:
    return f".{treatment}_vs_{control}"


def displayed_arms(evidence: Evidence) -> tuple[Arm, ...]:
    """Arms in the order tables show them: treatment arms, then the control (if any)."""
    control = tuple(a for a in evidence.arms if a.role == "control")
    return (*evidence.treatment_arms, *control)


def _default_control(evidence: Evidence) -> Arm | None:
    return evidence.control_arm if evidence.has_control else None


def effect_pair(evidence: Evidence, effect: Effect) -> tuple[Arm, Arm] | None:
    """The arms an effect compares, or None when they cannot be told.

    An effect naming its arms (format 1.2) compares those; one that does not is the
    trial's only treatment arm against its control, which a multi-arm trial cannot say.
    """
    if effect.treatment is not None and effect.control is not None:
        try:
            return evidence.arm(effect.treatment), evidence.arm(effect.control)
        except KeyError:
            return None
    if evidence.is_two_arm:
        return evidence.treatment_arm, evidence.control_arm
    return None


def primary_pair(evidence: Evidence) -> ArmPair | None:
    """The primary comparison, or None for a study without a control arm.

    A two-arm trial's treatment against its control. With several treatment arms: the
    arms of the primary endpoint's effect when it names them, else the first effect of
    any time-to-event endpoint that names them, else the first treatment arm.
    """
    control = _default_control(evidence)
    if control is None or not evidence.treatment_arms:
        return None
    if evidence.is_two_arm:
        return ArmPair(evidence.treatment_arm, control)
    candidates: list[Effect] = []
    primary = evidence.primary_endpoint
    if isinstance(primary, TimeToEventEndpoint):
        candidates.extend(primary.effects)
    for ep in evidence.endpoints:
        if isinstance(ep, TimeToEventEndpoint):
            candidates.extend(ep.effects)
    for effect in candidates:
        pair = effect_pair(evidence, effect)
        if pair is not None:
            return ArmPair(*pair)
    return ArmPair(evidence.treatment_arms[0], control)


def comparison_pairs(evidence: Evidence) -> tuple[ArmPair, ...]:
    """Every comparison: the primary one first, then each other pair, without repeats.

    The other pairs are those named by effects, then every remaining treatment arm
    against the control. Empty for a single-group study.
    """
    first = primary_pair(evidence)
    if first is None:
        return ()
    seen = {first.key}
    out = [first]

    def add(treatment: Arm, control: Arm) -> None:
        if (treatment.id, control.id) not in seen:
            seen.add((treatment.id, control.id))
            out.append(ArmPair(treatment, control, _suffix(treatment.id, control.id)))

    for ep in evidence.endpoints:
        if isinstance(ep, TimeToEventEndpoint):
            for effect in ep.effects:
                pair = effect_pair(evidence, effect)
                if pair is not None:
                    add(*pair)
    for arm in evidence.treatment_arms:
        add(arm, first.control)
    return tuple(out)


def endpoint_pairs(evidence: Evidence, ep: TimeToEventEndpoint) -> tuple[ArmPair, ...]:
    """The comparisons a time-to-event endpoint's figures are derived for.

    Its own ``effect`` is the unsuffixed comparison (its figure is ``<ep>.hr``); each
    of ``other_effects`` carries its suffix; with no effect at all, the trial's pairs.
    """
    if not ep.effects:
        return comparison_pairs(evidence)
    out: list[ArmPair] = []
    for i, effect in enumerate(ep.effects):
        found = effect_pair(evidence, effect)
        if found is None:
            continue
        treatment, control = found
        suffix = "" if i == 0 and ep.effect is not None else _suffix(treatment.id, control.id)
        out.append(ArmPair(treatment, control, suffix))
    return tuple(out)


def single_group_reason(evidence: Evidence) -> str | None:
    """Why no arms can be compared (a single-group study), or None when they can."""
    if evidence.has_control and evidence.treatment_arms:
        return None
    return "not applicable: a single-group study has no control arm to compare with"


def primary_outcome_title(evidence: Evidence) -> str | None:
    """The title of the registry outcome measure named primary by the design, or None."""
    name = evidence.design.primary_endpoint
    for om in evidence.outcome_measures:
        if om.id == name:
            return om.title
    return None
