"""The analysis layer at statistical edges: no NaN or infinity is ever shown as a number.

PALMIRA's bundled evidence is edited with ``dataclasses.replace``: grade 3–4 adverse events
at 0% in one or both arms and at 100% in both, a hazard-ratio CI whose upper bound is
exactly 1 with p = 0.05, and a p printed as "p < 0.001". Every figure of the summary must
carry a finite value or ``None`` with a derivation saying why (docs/edge-cases.md); the
header line, the overview and the audit must print "p < 0.001", never "p = 0.001".
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

import pytest

from explorer.analysis import summarize
from explorer.analysis.esmo_mcbs import evaluate_evidence
from explorer.analysis.headline import primary_result
from explorer.analysis.overview import overview
from explorer.evidence import load_bundled

AE_ID = "ae_grade_3_4"


@pytest.fixture(scope="module")
def palmira():
    return load_bundled()


def _with_ae_percent(ev, treatment: float, control: float):
    """PALMIRA with its grade 3–4 adverse-event rates replaced (percent, one decimal)."""
    ae = ev.adverse_event(AE_ID)
    (t_id, t_prop), (c_id, c_prop) = ae.by_arm.items()

    def rate(prop, value):
        return replace(prop, percent=replace(prop.percent, value=value))

    new = replace(ae, by_arm={t_id: rate(t_prop, treatment), c_id: rate(c_prop, control)})
    return replace(ev, adverse_events=tuple(new if a.id == AE_ID else a for a in ev.adverse_events))


def _with_primary_effect(ev, *, hr=None, p=None):
    ep = ev.endpoints[0]
    effect = ep.effect
    if hr is not None:
        value, lower, upper = hr
        effect = replace(
            effect,
            estimate=replace(effect.estimate, value=value, lower=lower, upper=upper, decimals=2),
        )
    if p is not None:
        value, decimals, qualifier = p
        effect = replace(
            effect, p=replace(effect.p, value=value, decimals=decimals, qualifier=qualifier)
        )
    return replace(ev, endpoints=(replace(ep, effect=effect), *ev.endpoints[1:]))


def _non_finite(summary):
    """(id, field) of every figure holding NaN or infinity."""
    return [
        (f.id, name)
        for f in summary.figures
        for name in ("value", "lower", "upper")
        if isinstance(getattr(f, name), float) and not math.isfinite(getattr(f, name))
    ]


def _shown_text(summary):
    """Everything the user reads: formatted figures, derivations, overview, audit."""
    parts = [f.formatted() for f in summary.figures]
    parts += [f.derivation or "" for f in summary.figures]
    parts += [s.text for s in overview(summary)]
    parts += [c.message for c in summary.checks]
    return "\n".join(parts)


EDGES = {
    "no events in the control arm": (45.2, 0.0),
    "no events in either arm": (0.0, 0.0),
    "every patient in both arms": (100.0, 100.0),
    "no events in the treatment arm": (0.0, 8.3),
}


@pytest.mark.parametrize("case", list(EDGES))
def test_adverse_event_edges_show_no_nan_or_infinity(palmira, case):
    summary = summarize(_with_ae_percent(palmira, *EDGES[case]))
    assert _non_finite(summary) == []
    text = _shown_text(summary)
    # "nan"/"inf" (Python's spelling) would be a float leaking into text; R's "Inf" quoted
    # in a derivation is deliberate
    assert not re.search(r"\b(nan|inf)\b", text), case


def test_infinite_odds_ratio_is_not_estimable_with_its_reason(palmira):
    # 61/135 vs 0/62: R fisher.test gives OR Inf (exact CI 12.61 to Inf); we show no number
    summary = summarize(_with_ae_percent(palmira, 45.2, 0.0))
    odds = summary.figure(f"ae.{AE_ID}.or")
    assert odds.value is None and odds.lower is None and odds.upper is None
    assert odds.formatted() == "—"
    assert odds.derivation.startswith("Not estimable: one arm has the outcome in none")
    assert "R fisher.test: Inf" in odds.derivation and "from 12.61 to ∞" in odds.derivation
    # the risk ratio stays finite (0.5 added to every cell, as metafor)
    rr = summary.figure(f"ae.{AE_ID}.rr")
    assert math.isfinite(rr.value) and rr.value > 1 and "0.5 added" in rr.derivation


def test_same_risk_in_both_arms_has_no_number_needed(palmira):
    # 100% vs 100%: RD 0, so the NNH is infinite; OR undefined (R: 0, CI 0 to Inf)
    summary = summarize(_with_ae_percent(palmira, 100.0, 100.0))
    rd = summary.figure(f"ae.{AE_ID}.rd")
    assert rd.value == 0.0
    nnt = summary.figure(f"ae.{AE_ID}.nnt")
    assert nnt.value is None
    assert nnt.derivation.startswith("Not estimable: the risk difference is 0")
    harm = summary.figure("interp.nnh_harm")
    assert harm.value is None and harm.derivation.startswith("Not estimable")
    assert "not estimable (no difference)" in harm.derivation
    odds = summary.figure(f"ae.{AE_ID}.or")
    assert odds.value is None and "conditional likelihood is flat" in odds.derivation


def test_safety_table_says_not_estimable_for_an_infinite_nnh(palmira):
    from explorer.analysis.safety import adverse_event_frame

    summary = summarize(_with_ae_percent(palmira, 100.0, 100.0))
    frame = adverse_event_frame(summary)
    row = frame[frame["id"] == AE_ID].iloc[0] if "id" in frame else frame.iloc[0]
    assert row["nnh_text"] == "not estimable (no difference)"
    assert row["nnh_provenance"].startswith("Not estimable")


def test_no_events_in_either_arm_has_no_comparison(palmira):
    # 0% vs 0%: nothing to compare (documented): no RD/RR/OR figures at all, counts shown
    summary = summarize(_with_ae_percent(palmira, 0.0, 0.0))
    ids = {f.id for f in summary.figures}
    assert not {f"ae.{AE_ID}.rd", f"ae.{AE_ID}.or", f"ae.{AE_ID}.nnt"} & ids
    counts = [f for f in summary.figures if f.id.startswith(f"ae.{AE_ID}.count.")]
    assert counts and all(f.value == 0 for f in counts)


def test_ci_touching_one_reads_not_significant_everywhere(palmira):
    # HR 0.70 (95% CI 0.49–1.00), p = 0.05: the Wald p is exactly 0.05 (effects.from_ci
    # Notes), the interval "includes 1", and the p and the CI agree (both not significant)
    ev = _with_primary_effect(palmira, hr=(0.7, 0.49, 1.0), p=(0.05, 2, None))
    summary = summarize(ev)
    assert _non_finite(summary) == []
    wald = summary.figure("pfs.wald_p")
    assert wald.value == 0.05
    effect = next(s for s in overview(summary) if s.id == "primary")
    assert "did not significantly improve" in effect.text
    assert "The interval includes 1" in effect.text
    check = next(c for c in summary.checks if c.id == "pfs_significance")
    assert check.level == "pass", check.message
    assert "both say it is not statistically significant" in check.message


def test_p_below_bound_prints_with_its_sign(palmira):
    # a registry p "< 0.001" (Measure.qualifier "<") never prints as "p = 0.001"
    ev = _with_primary_effect(palmira, p=(0.001, 3, "<"))
    summary = summarize(ev)
    header = primary_result(ev)
    assert header.endswith("p < 0.001"), header
    texts = [header, *(s.text for s in overview(summary)), *(c.message for c in summary.checks)]
    assert not any("p = 0.001" in t for t in texts)
    assert any("p < 0.001" in s.text for s in overview(summary))
    assert any("p < 0.001" in c.message for c in summary.checks)
    p_fig = summary.figure("pfs.p")
    assert p_fig.qualifier == "<" and p_fig.formatted() == "<0.001"
    assert p_fig.p_text() == "p < 0.001"
    assert p_fig.to_json()["qualifier"] == "<"
    mcbs = evaluate_evidence(ev, summary)
    shown = " ".join(step.inputs for step in mcbs.trace)
    assert "p < 0.001" in shown and "p = 0.001" not in shown


def test_p_without_qualifier_keeps_the_equals_sign(palmira):
    summary = summarize(palmira)
    assert primary_result(palmira).endswith("p = 0.206")
    assert summary.figure("pfs.p").p_text() == "p = 0.206"
    assert "qualifier" not in summary.figure("pfs.p").to_json()
