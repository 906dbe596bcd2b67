"""The primary result in one line, from reported figures only (no statistics needed).

Shared by :meth:`Summary.primary_result` and the window header, which paints it
before the derived figures are computed.
"""

from __future__ import annotations

from explorer.evidence import Effect, Evidence, TimeToEventEndpoint

from .arms import displayed_arms, effect_pair, primary_outcome_title
from .figures import QUALIFIER_SIGNS, format_number


def primary_result(evidence: Evidence) -> str:
    """The primary endpoint's result in one line.

    E.g. ``Progression-free survival: median 4.2 vs 3.6 months; HR 0.8 (95% CI 0.6–1.1),
    p = 0.206``. With several treatment arms every arm's median and every comparison's
    effect is given (``HR 1.11 (90% CI 0.79–1.55), p = 0.62 (F + P vs F); ...``); a single
    group has its median only. Without a primary endpoint: the title of the registry
    outcome measure named primary, or "no primary endpoint in this evidence".
    """
    ep = evidence.primary_endpoint
    if ep is None:
        title = primary_outcome_title(evidence)
        if title is not None:
            return f"Primary outcome (registry outcome measure): {title}"
        return "No primary endpoint in this evidence"
    if not isinstance(ep, TimeToEventEndpoint):
        return ep.name
    parts = [ep.name]
    medians = [
        (arm, ep.medians[arm.id]) for arm in displayed_arms(evidence) if arm.id in ep.medians
    ]
    if evidence.is_two_arm and len(medians) == 2:
        (_, mt), (_, mc) = medians
        parts.append(
            f"median {format_number(mt.value, mt.decimals)} vs "
            f"{format_number(mc.value, mc.decimals)} {ep.unit}"
        )
    elif medians:
        each = ", ".join(
            f"{format_number(m.value, m.decimals)} {ep.unit} ({arm.label})" for arm, m in medians
        )
        parts.append(f"median {each}")
    for effect in ep.effects:
        parts.append(_effect_text(evidence, effect))
    return f"{parts[0]}: " + "; ".join(parts[1:]) if len(parts) > 1 else parts[0]


def _effect_text(evidence: Evidence, effect: Effect) -> str:
    e = effect.estimate
    text = f"{effect.kind} {format_number(e.value, e.decimals)}"
    if e.has_ci:
        lo, hi = format_number(e.lower, e.decimals), format_number(e.upper, e.decimals)
        level = f"{e.level:.0%} CI " if e.level is not None else "CI "
        text += f" ({level}{lo}–{hi})"
    if effect.p is not None:
        # "p < 0.001" keeps its sign: printing "p = 0.001" would state a value never reported
        relation = QUALIFIER_SIGNS.get(effect.p.qualifier or "", "=")
        text += f", p {relation} {format_number(effect.p.value, effect.p.decimals)}"
    if not evidence.is_two_arm:
        pair = effect_pair(evidence, effect)
        versus = effect.label or (f"{pair[0].label} vs {pair[1].label}" if pair else None)
        if versus:
            text += f" ({versus})"
    return text
