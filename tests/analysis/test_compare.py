"""explorer.analysis.compare against R metafor (tests/reference/compare_pooling.R).

The reference converts the four trials' printed PFS hazard ratios (PALMIRA 2025,
MAINTAIN, PACE at 90%, postMONARCH) to one CI level and pools them with
``metafor::rma`` (FE, DL, REML, PM; z and Hartung–Knapp) in five cases. The tests run
the same cases twice: on evidence built here from the bundled PALMIRA file (so the
statistics are checked whatever the peer files hold) and on the bundled peer files.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from explorer.analysis.compare import (
    INHIBITOR_CONTEXT,
    METHODS,
    Comparison,
    EffectChoice,
    compare,
    default_choice,
    default_selection,
    design_caveats,
    effect_choices,
)
from explorer.evidence import Evidence, Measure, load, load_bundled
from explorer.resources import BUNDLED_EVIDENCE, path

REF = json.loads(
    (Path(__file__).parents[1] / "reference" / "compare_pooling.json").read_text("utf-8")
)
CASES = tuple(REF["cases"])
# rel tolerance: 1e-6 for closed forms (FE, DL), 1e-5 for the iterative REML and PM
# (metafor run with tight control, threshold = tol = 1e-12; ours converge to 1e-12)
TOL = {"FE": 1e-6, "DL": 1e-6, "REML": 1e-5, "PM": 1e-5}

FILES = {
    "PALMIRA": "evidence/palmira-jco2025.json",
    "MAINTAIN": "evidence/maintain-jco2023.json",
    "PACE": "evidence/pace-jco2024.json",
    "postMONARCH": "evidence/postmonarch-jco2025.json",
}
CONTEXT = {
    "PALMIRA": "palbociclib continued",
    "MAINTAIN": "switched to ribociclib",
    "PACE": "palbociclib continued",
    "postMONARCH": "switched to abemaciclib",
}


def _trial(
    acronym: str,
    estimate: float,
    lower: float | None,
    upper: float | None,
    level: float | None,
    *,
    registry_id: str | None = None,
) -> Evidence:
    """The bundled PALMIRA evidence with another acronym and PFS hazard ratio."""
    ev = load_bundled()
    ep = ev.endpoint("pfs")
    m = dataclasses.replace(
        ep.effect.estimate, value=estimate, lower=lower, upper=upper, level=level, decimals=2
    )
    ep = dataclasses.replace(ep, effect=dataclasses.replace(ep.effect, estimate=m))
    trial = dataclasses.replace(
        ev.trial,
        acronym=acronym,
        registry_id=registry_id or f"NCT-{acronym}",
        context={INHIBITOR_CONTEXT: CONTEXT.get(acronym, "not stated")},
    )
    endpoints = tuple(ep if e.id == "pfs" else e for e in ev.endpoints)
    return dataclasses.replace(ev, trial=trial, endpoints=endpoints)


@pytest.fixture(scope="module")
def synthetic() -> dict[str, Evidence]:
    """The four trials as in the R script, built from the PALMIRA file."""
    return {
        name: _trial(name, t["estimate"], t["lower"], t["upper"], t["level"])
        for name, t in REF["trials"].items()
    }


@pytest.fixture(scope="module")
def bundled() -> dict[str, Evidence]:
    """The bundled peer-trial files (PALMIRA's final analysis and three peers)."""
    return {name: load(path(file)) for name, file in FILES.items()}


def _select(trials: dict[str, Evidence], names) -> list[tuple[Evidence, EffectChoice]]:
    out = []
    for name in names:
        choice = default_choice(trials[name])
        assert choice is not None, name
        out.append((trials[name], choice))
    return out


def _close(ours: float, theirs, rel: float) -> bool:
    if theirs is None or (isinstance(theirs, str) and theirs == "NA"):
        return math.isnan(ours)
    return ours == pytest.approx(theirs, rel=rel, abs=1e-12)


def _check_case(trials: dict[str, Evidence], case: str) -> None:
    spec = REF["cases"][case]
    for knha in (False, True):
        res = compare(_select(trials, spec["trials"]), level=spec["level"], hartung_knapp=knha)
        assert [s.trial for s in res.studies] == spec["trials"]
        assert [p.method for p in res.pooled] == list(METHODS)
        for p in res.pooled:
            fit = REF["fits"][f"{case}_{p.method}_{'knha' if knha else 'z'}"]
            rel = TOL[p.method]
            assert p.k == fit["k"] and p.hartung_knapp is knha
            # metafor rma(yi, sei, method, test) + predict(transf = exp): pooled HR, CI,
            # tau², I², Q, Q p and the prediction interval (null for FE) -- rel 1e-6 / 1e-5
            for ours, key in [
                (p.estimate, "estimate"),
                (p.lower, "lower"),
                (p.upper, "upper"),
                (p.i2, "i2"),
                (p.q, "q"),
                (p.q_p, "q_p"),
                (p.pred_lower, "pred_lower"),
                (p.pred_upper, "pred_upper"),
            ]:
                assert _close(ours, fit[key], rel), (case, p.method, knha, key, ours, fit[key])
            # tau² near 0 compares absolutely (metafor's 1e-12 convergence)
            assert p.tau2 == pytest.approx(fit["tau2"], rel=rel, abs=1e-10)
            # metafor weights(res), percent -- rel 1e-6 / 1e-5
            got = [s.weight[p.method] for s in res.studies]
            assert got == pytest.approx(fit["weights"], rel=rel)


# -- conversion of a printed CI to another level ---------------------------------------------


@pytest.mark.parametrize("level", [0.95, 0.90])
def test_conversion_matches_r(synthetic, level):
    res = compare(_select(synthetic, REF["trials"]), level=level)
    for s in res.studies:
        conv = REF["conversions"][s.trial]
        at = conv["at"][format(level, "g")]
        # se = (ln upper − ln lower) / (2 qnorm(1 − (1 − level)/2)), R -- rel 1e-9
        assert s.se_log == pytest.approx(conv["se_log"], rel=1e-9)
        same = s.reported_level == pytest.approx(level)
        assert s.converted is not same
        if same:  # used as printed, not recomputed from the SE
            assert (s.lower, s.upper) == (s.reported_lower, s.reported_upper)
            assert s.status == "reported"
        else:
            # exp(ln HR ± z_target · se), R -- rel 1e-9
            assert s.lower == pytest.approx(at["lower"], rel=1e-9)
            assert s.upper == pytest.approx(at["upper"], rel=1e-9)
            assert s.status == "derived"
        assert s.estimate == conv["reported"]["estimate"]  # never re-centred
        assert s.level == level


def test_pace_conversion_text_names_every_step(synthetic):
    res = compare(_select(synthetic, ["PALMIRA", "PACE"]))
    pace = res.studies[1]
    # PACE 1.11 (90% CI 0.79–1.55) → 95% CI 0.742905… – 1.658489… (R, rel 1e-9)
    assert pace.lower == pytest.approx(0.742905293903503, rel=1e-9)
    assert pace.upper == pytest.approx(1.65848865274076, rel=1e-9)
    assert pace.conversion.startswith(
        "90% CI 0.79–1.55 → SE of log HR (ln 1.55 − ln 0.79) / (2 × 1.645) = 0.205 → "
        "95% CI 0.74–1.66"
    )
    assert "symmetric Wald" in pace.conversion
    assert res.studies[0].conversion.startswith("reported at 95%, used as printed")
    assert any("PACE: CI printed at 90%" in n for n in res.notes)


# -- pooling against metafor --------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_pooling_matches_metafor(synthetic, case):
    _check_case(synthetic, case)


@pytest.mark.parametrize("case", CASES)
def test_bundled_files_reproduce_metafor(bundled, case):
    # the bundled files print the figures of figures7.md; same reference, same tolerances
    for name, t in REF["trials"].items():
        m = bundled[name].endpoint(default_choice(bundled[name]).endpoint_id).effects[0].estimate
        assert (m.value, m.lower, m.upper, m.level) == (
            t["estimate"],
            t["lower"],
            t["upper"],
            t["level"],
        ), name
    _check_case(bundled, case)


def test_reference_values_are_the_published_ones():
    # the R input is figures7.md as printed (a typo here would silently pass the rest)
    got = {n: (t["estimate"], t["lower"], t["upper"], t["level"]) for n, t in REF["trials"].items()}
    assert got == {
        "PALMIRA": (0.84, 0.66, 1.07, 0.95),
        "MAINTAIN": (0.57, 0.39, 0.85, 0.95),
        "PACE": (1.11, 0.79, 1.55, 0.9),
        "postMONARCH": (0.73, 0.57, 0.95, 0.95),
    }


def test_four_trial_reml_in_words(synthetic):
    res = compare(_select(synthetic, REF["trials"]))
    frame = res.pooled_frame()
    reml = frame.set_index("method").loc["REML"]
    # metafor four_95_REML_z: 0.7898 (0.6343–0.9834), tau² 0.0233, I² 48.6%, Q 6.06 p 0.109
    assert reml["estimate_text"] == "0.79 (95% CI 0.63–0.98)"
    assert reml["pi_text"] == "0.54–1.14"
    assert reml["q_text"] == "6.06 (p = 0.11), 3 df"
    assert reml["status"] == "derived"
    assert frame.set_index("method").loc["FE", "pi_text"] == "none (fixed effect)"
    assert "metafor" in reml["formula"]
    assert list(frame["method"]) == ["FE", "DL", "REML", "PM"]


def test_hartung_knapp_widens_the_four_trial_ci(synthetic):
    plain = compare(_select(synthetic, REF["trials"])).pooled_by("REML")
    hk = compare(_select(synthetic, REF["trials"]), hartung_knapp=True).pooled_by("REML")
    assert plain is not None and hk is not None
    assert hk.estimate == pytest.approx(plain.estimate, rel=1e-12)  # same weights, same mean
    assert hk.upper - hk.lower > plain.upper - plain.lower
    assert "Hartung–Knapp" in hk.formula


def test_two_trials_note_the_uninformative_prediction_interval(synthetic):
    res = compare(_select(synthetic, ["PALMIRA", "PACE"]), hartung_knapp=True)
    assert res.k == 2 and len(res.pooled) == 4
    assert any("prediction interval is not informative" in n for n in res.notes)
    assert any("1 degree of freedom" in n for n in res.notes)


# -- trials that cannot enter -------------------------------------------------------------------


def test_ci_without_level_is_refused_with_a_note(synthetic):
    odd = _trial("NOLEVEL", 0.70, 0.50, 0.98, None)
    sel = [*_select(synthetic, ["PALMIRA", "MAINTAIN"]), (odd, default_choice(odd))]
    res = compare(sel)
    assert [s.trial for s in res.studies] == ["PALMIRA", "MAINTAIN"]
    assert len(res.refused) == 1
    assert res.refused[0].startswith("NOLEVEL (PFS, investigator: P+ET vs ET) is left out:")
    assert "has no level" in res.refused[0] and "0.50–0.98" in res.refused[0]
    assert res.refused[0] in res.notes
    # the other two still pool exactly as the two trials alone
    alone = compare(_select(synthetic, ["PALMIRA", "MAINTAIN"]))
    assert res.pooled_by("REML").estimate == alone.pooled_by("REML").estimate


def test_hazard_ratio_without_ci_is_refused(synthetic):
    bare = _trial("BARE", 0.70, None, None, None)
    res = compare([*_select(synthetic, ["PALMIRA"]), (bare, default_choice(bare))])
    assert res.k == 1 and res.pooled == ()
    assert "without a confidence interval" in res.refused[0]
    assert any("at least two are needed" in n for n in res.notes)
    assert res.warning == ""


def test_bound_instead_of_value_is_refused(synthetic):
    ev = _trial("BOUND", 0.70, 0.50, 0.98, 0.95)
    ep = ev.endpoint("pfs")
    m: Measure = dataclasses.replace(ep.effect.estimate, qualifier="<")
    ep = dataclasses.replace(ep, effect=dataclasses.replace(ep.effect, estimate=m))
    ev = dataclasses.replace(ev, endpoints=(ep, *ev.endpoints[1:]))
    res = compare([(ev, default_choice(ev))])
    assert "printed as a bound" in res.refused[0]


def test_missing_endpoint_is_refused(synthetic):
    ev = synthetic["PALMIRA"]
    res = compare([(ev, EffectChoice("os:0", "os", 0, "OS: P+ET vs ET"))])
    assert res.studies == () and "no endpoint 'os'" in res.refused[0]


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, "0.95"])
def test_bad_level_raises(synthetic, level):
    with pytest.raises(ValueError, match="level must be in"):
        compare(_select(synthetic, ["PALMIRA", "MAINTAIN"]), level=level)


def test_empty_selection():
    res = compare([])
    assert isinstance(res, Comparison)
    assert res.k == 0 and res.pooled == () and res.warning == ""
    assert res.studies_frame().empty and res.pooled_frame().empty


# -- choices ------------------------------------------------------------------------------------


def test_effect_choices_of_the_bundled_trials(bundled):
    assert [c.label for c in effect_choices(bundled["PACE"])] == [
        "PFS, investigator: F + P vs F",
        "PFS, investigator: F + P + A vs F",
    ]
    assert [c.key for c in effect_choices(bundled["PACE"])] == ["pfs:0", "pfs:1"]
    pm = [c.label for c in effect_choices(bundled["postMONARCH"])]
    # a name that already says who assessed is not qualified twice
    assert pm[1] == "PFS, blinded central review: Abemaciclib + F vs placebo + F"
    # a 1.0 file's effect names no arms: the trial's two arms are used
    assert [c.label for c in effect_choices(load_bundled())] == ["PFS, investigator: P+ET vs ET"]


def test_default_choice_is_the_primary_endpoint(bundled):
    for ev in bundled.values():
        choice = default_choice(ev)
        assert choice is not None and choice.key == "pfs:0"
    # no primary endpoint: the first PFS-like hazard ratio; none without one
    pal = bundled["PALMIRA"]
    no_primary = dataclasses.replace(
        pal, design=dataclasses.replace(pal.design, primary_endpoint=None)
    )
    assert default_choice(no_primary).key == "pfs:0"
    os_only = dataclasses.replace(
        no_primary, endpoints=tuple(e for e in pal.endpoints if e.id == "os")
    )
    assert effect_choices(os_only)[0].key == "os:0"
    assert default_choice(os_only) is None


def test_default_selection_prefers_the_four_bundled_files():
    evs = [load(path(name)) for name in BUNDLED_EVIDENCE]
    assert default_selection(evs) == [False, True, True, True, True]
    # without the bundled set: one per registry id, the later data cut winning
    a = _trial("A", 0.7, 0.5, 0.9, 0.95, registry_id="NCT1")
    b = _trial("B", 0.8, 0.6, 1.0, 0.95, registry_id="NCT1")
    c = _trial("C", 0.9, 0.7, 1.1, 0.95, registry_id="NCT2")
    assert default_selection([a, b, c]) == [False, True, True]


# -- caveats and warning ------------------------------------------------------------------------


def test_design_caveats_of_the_bundled_trials(bundled):
    frame = design_caveats(list(bundled.values()))
    assert list(frame.columns) == [
        "Trial",
        "Phase",
        "Blinding",
        "N (ratio)",
        "Control median",
        "CDK4/6 inhibitor after progression",
        "Endocrine partner",
    ]
    rows = frame.set_index("Trial")
    # figures7.md: 136 vs 62 randomised 2:1; 60 vs 59 1:1; 55/111/54; 182 vs 186 1:1
    assert rows.loc["PALMIRA", "N (ratio)"] == "198 (2:1)"
    assert rows.loc["MAINTAIN", "N (ratio)"] == "119 (1:1)"
    assert rows.loc["PACE", "N (ratio)"].startswith("220 (")
    assert rows.loc["postMONARCH", "N (ratio)"] == "368 (1:1)"
    assert rows.loc["MAINTAIN", "Blinding"] == "double-blind"
    assert rows.loc["PALMIRA", "Control median"].startswith("3.6 months")
    assert rows.loc["MAINTAIN", "Control median"].startswith("2.76 months")
    assert "continued" in rows.loc["PACE", INHIBITOR_CONTEXT]
    assert all(isinstance(v, str) for v in frame.to_numpy().ravel())


def test_design_caveats_fill_gaps():
    old = load_bundled()  # format 1.0: no masking, no context
    frame = design_caveats([old, _trial("X", 0.7, 0.5, 0.9, 0.95)])
    assert frame.loc[0, "Blinding"] == "not reported"
    assert frame.loc[0, INHIBITOR_CONTEXT] == "—"
    assert frame.loc[1, INHIBITOR_CONTEXT] == "not stated"
    # the same evidence twice appears once
    assert len(design_caveats([old, old])) == 1


def test_warning_names_switched_and_continued(bundled):
    res = compare(_select(bundled, FILES))
    assert res.warning.startswith("Illustrative only, not a meta-analysis")
    assert (
        "continued after progression in PALMIRA and PACE but switched to another one in "
        "MAINTAIN and postMONARCH"
    ) in res.warning
    assert "different endpoints" not in res.warning  # all four are PFS


def test_warning_with_one_inhibitor_strategy_omits_it(synthetic):
    res = compare(_select(synthetic, ["PALMIRA", "PACE"]))
    assert res.warning.startswith("Illustrative only")
    assert "switched" not in res.warning


def test_warning_when_both_continued_in_different_words(bundled):
    # PALMIRA "palbociclib continued", PACE "palbociclib continued (prior palbociclib
    # 90.9%)": the same strategy, so no sentence about the inhibitor
    res = compare(_select(bundled, ["PALMIRA", "PACE"]))
    assert res.warning.startswith("Illustrative only")
    assert "CDK4/6 inhibitor" not in res.warning


def test_warning_when_the_inhibitor_strategy_is_unclear():
    a = _trial("A", 0.7, 0.5, 0.9, 0.95)
    b = _trial("B", 0.8, 0.6, 1.0, 0.95)
    b = dataclasses.replace(b, trial=dataclasses.replace(b.trial, context={INHIBITOR_CONTEXT: "x"}))
    res = compare([(a, default_choice(a)), (b, default_choice(b))])
    assert "differs between the trials (see the design table)" in res.warning


def test_warning_on_shared_patients_and_assessment(bundled):
    pm = bundled["postMONARCH"]
    res = compare([(pm, c) for c in effect_choices(pm)])
    assert "postMONARCH enters more than once" in res.warning
    assert "assessed differently (investigator; blinded independent central review)" in (
        res.warning
    )


def test_frames_have_numbers_and_text(synthetic):
    res = compare(_select(synthetic, REF["trials"]))
    studies = res.studies_frame()
    assert list(studies["trial"]) == list(REF["trials"])
    assert studies.loc[2, "display"] == "1.11 (0.74–1.66)"
    assert bool(studies.loc[2, "converted"]) is True
    assert studies[[f"weight_{m}" for m in METHODS]].sum().to_list() == pytest.approx([100] * 4)
    assert isinstance(res.caveats, pd.DataFrame) and len(res.caveats) == 4
