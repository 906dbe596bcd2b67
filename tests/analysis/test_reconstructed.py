"""Analyses of patients reconstructed from a digitised Kaplan–Meier figure.

Three kinds of check:

* **R on the same patients** (tests/reference/reconstructed.R, make_reconstructed_ipd.py):
  the patients explorer reconstructs from figures of two real trials (survival::veteran,
  also stratified by cell type, and the three-arm survival::colon) are stored; R's survival
  package analysed exactly those patients, and every analysis here must equal R's.
* **Round trip against real data**: the same analyses must be close to R's analyses of
  the TRUE patients of those trials.
* **Round trip on simulated trials**, through :func:`reconstruct_figure`: a seeded trial,
  its KM curve sampled as a digitiser would, reconstructed and analysed; the hazard ratio,
  medians and RMST must match those of the simulated patients.

Plus the behaviour around them: flat tails, strata, three arms, the agreement rule, the
diagnostics, the plot data, the tables and the summary/audit integration.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest

from explorer.analysis import summarize
from explorer.analysis.reconstructed import (
    AGREE_SE,
    CI_METHOD,
    CLOSE_SE,
    ReconstructedAnalysis,
    hr_agreement,
    reconstruct_figure,
)
from explorer.evidence import (
    Digitisation,
    EvidenceError,
    KmCurve,
    KmFigure,
    Measure,
    RiskTable,
    Source,
    load_bundled,
)
from explorer.stats.survival import CoxResult, cox, kaplan_meier, logrank, rmst

REFERENCE = Path(__file__).resolve().parents[1] / "reference"


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_reconstructed_ipd", REFERENCE / "make_reconstructed_ipd.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()
REF = json.loads((REFERENCE / "reconstructed.json").read_text(encoding="utf-8"))
STORED_IPD = json.loads((REFERENCE / "reconstructed_ipd.json").read_text(encoding="utf-8"))
CASES = list(REF["cases"])


def num(x) -> float:
    """An R number from the JSON: null (R's NA) is NaN."""
    return math.nan if x is None else float(x)


# --- simulated trials and a digitiser -------------------------------------------------------

TREATMENT, CONTROL = "palbo_et", "et"  # PALMIRA's arm ids: the figure sits on its evidence
AXIS_END = 30.0  # months on the figure's time axis; censoring is uniform over it
RISK_TIMES = np.arange(0.0, AXIS_END + 1e-9, 3.0)


def simulate_arm(rng, n: int, median: float, axis_end: float = AXIS_END):
    """Exponential event times with this median, censored uniformly over the axis."""
    event_time = rng.exponential(median / math.log(2.0), n)
    censor_time = rng.uniform(0.0, axis_end, n)
    return np.minimum(event_time, censor_time), (event_time <= censor_time).astype(int)


def digitise(rng, time: np.ndarray, event: np.ndarray) -> tuple[tuple, tuple]:
    """Read a KM curve as a digitiser does: a random 70% of the step corners, points along
    flat stretches longer than a month (about one per month, at random places), the end
    of the curve; Gaussian noise of sd 0.003 on survival and 0.02 months on time; the
    points come out unevenly spaced and unsorted."""
    km = kaplan_meier(time, event)
    drops = km.events > 0
    t, s = km.time[drops], km.survival[drops]
    before = np.concatenate(([1.0], s[:-1]))
    upper = rng.random(t.size) < 0.7
    lower = rng.random(t.size) < 0.7
    xs = [t[upper], t[lower]]
    ys = [before[upper], s[lower]]
    edges = np.concatenate(([0.0], t, [time.max()]))
    levels = np.concatenate(([1.0], s))
    for start, end, level in zip(edges[:-1], edges[1:], levels, strict=True):
        if end - start > 1.0:
            k = int((end - start) // 1.0)
            xs.append(np.sort(rng.uniform(start, end, k)))
            ys.append(np.full(k, level))
    xs.append(np.array([time.max()]))
    ys.append(np.array([s[-1]]))
    x, y = np.concatenate(xs), np.concatenate(ys)
    order = rng.permutation(x.size)
    x = np.maximum(x[order] + rng.normal(0.0, 0.02, x.size), 0.0)
    y = y[order] + rng.normal(0.0, 0.003, y.size)
    return tuple(x.tolist()), tuple(y.tolist())


def at_risk(time: np.ndarray, risk_times=RISK_TIMES) -> tuple[int, ...]:
    return tuple(int(np.sum(time >= r)) for r in risk_times)


def make_figure(arms: dict, *, rng, strata=None, risk_times=RISK_TIMES, events=True, **kw):
    """A KmFigure of the pfs endpoint: one curve per arm (and stratum) in ``arms``,
    ``{(arm, stratum): (time, event)}``, digitised by :func:`digitise`."""
    curves, tables = [], []
    for (arm, stratum), (time, event) in arms.items():
        ct, cs = digitise(rng, time, event)
        curves.append(KmCurve(arm, stratum, ct, cs, int(event.sum()) if events else None))
        tables.append(RiskTable(arm, stratum, tuple(risk_times), at_risk(time, risk_times)))
    return KmFigure(
        id=kw.get("id", "pfs_km"),
        endpoint="pfs",
        label=kw.get("label", "Figure 2"),
        time_unit="months",
        source=Source("asco2023", "Results", "Figure 2: progression-free survival"),
        digitisation=Digitisation("simulated digitiser"),
        curves=tuple(curves),
        risk_tables=tuple(tables),
    )


def with_figures(*figures, evidence=None):
    evidence = evidence or load_bundled()
    return dataclasses.replace(evidence, km_figures=tuple(figures))


def simulated_trial(seed: int, n=150, control_median=6.0, hr=0.7):
    rng = np.random.default_rng(seed)
    data = {
        (TREATMENT, None): simulate_arm(rng, n, control_median / hr),
        (CONTROL, None): simulate_arm(rng, n, control_median),
    }
    return data, make_figure(data, rng=rng)


def pooled(data: dict, arm: str):
    rows = [v for (a, _), v in data.items() if a == arm]
    return np.concatenate([r[0] for r in rows]), np.concatenate([r[1] for r in rows])


def original_hr(data: dict, strata=False) -> float:
    keys = list(data)
    time = np.concatenate([data[k][0] for k in keys])
    event = np.concatenate([data[k][1] for k in keys])
    group = np.concatenate([np.full(data[k][0].size, k[0] == TREATMENT) for k in keys])
    labels = np.concatenate([np.full(data[k][0].size, str(k[1])) for k in keys])
    return cox(time, event, group.astype(int), strata=labels if strata else None).hr


@pytest.fixture(scope="module")
def palmira():
    return load_bundled()


@pytest.fixture(scope="module")
def trial(palmira):
    data, figure = simulated_trial(2019)
    evidence = with_figures(figure, evidence=palmira)
    return data, evidence, reconstruct_figure(evidence, figure)


# --- R on the same reconstructed patients (tests/reference/reconstructed.R) ------------------

REL = 1e-6  # our survival functions reproduce R survival to ~1e-12 on these data


def close(ours, r) -> bool:
    ours, r = num(ours), num(r)
    if math.isnan(r):
        return math.isnan(ours)  # R's NA (e.g. an upper limit not reached) is our NaN
    return math.isclose(ours, r, rel_tol=REL, abs_tol=1e-12)


@pytest.fixture(scope="module", params=CASES)
def case(request):
    name = request.param
    return name, REF["cases"][name], GEN.analyse_case(name, REF["cases"][name])


def test_reconstruction_still_gives_the_stored_patients(case):
    # The IPD R analysed (reconstructed_ipd.json) is what the code reconstructs today,
    # exactly: otherwise the R comparison below would check other patients.
    name, _, analysis = case
    stored = STORED_IPD["cases"][name]
    assert analysis.tau == stored["tau"]
    assert len(analysis.fits) == len(stored["curves"])
    for fit, curve in zip(analysis.fits, stored["curves"], strict=True):
        assert (fit.arm_id, fit.stratum) == (curve["arm"], curve["stratum"])
        np.testing.assert_array_equal(fit.ipd.time, np.array(curve["time"], dtype=float))
        np.testing.assert_array_equal(fit.ipd.event, np.array(curve["event"], dtype=int))


def test_arm_analyses_equal_r_on_the_reconstructed_patients(case):
    name, _, analysis = case
    r = REF["on_ipd"][name]
    for arm in analysis.arms:
        ra = r["arms"][arm.arm.id]
        assert (arm.n, arm.n_events) == (ra["n"], ra["events"])  # exact counts
        # survfit(conf.type = "log") + quantile(fit, 0.5): median and Brookmeyer–Crowley CI,
        # relative 1e-6.
        assert close(arm.km.median, ra["median"])
        assert close(arm.km.median_lower, ra["lower"])
        assert close(arm.km.median_upper, ra["upper"])
        # summary(fit, rmean = tau)$table: rmean and se(rmean), relative 1e-6.
        assert close(arm.rmst.rmst, ra["rmst"])
        assert close(arm.rmst.se, ra["rmst_se"])
        # summary(fit, times = t): survival and its log-scale CI, relative 1e-6.
        assert [lm.time for lm in arm.landmarks] == ra["landmark_time"]
        for lm, s, lo, up in zip(
            arm.landmarks,
            ra["landmark_surv"],
            ra["landmark_lower"],
            ra["landmark_upper"],
            strict=True,
        ):
            assert close(lm.percent / 100, s)
            assert close(lm.lower / 100, lo)
            assert close(lm.upper / 100, up)
    # Per stratum and arm: survfit median and CI, relative 1e-6.
    assert len(analysis.strata_arms) == len(r["strata"])
    for rs in r["strata"]:
        sa = analysis.arm(rs["arm"], rs["stratum"])
        assert close(sa.km.median, rs["median"])
        assert close(sa.km.median_lower, rs["lower"])
        assert close(sa.km.median_upper, rs["upper"])


def test_comparisons_equal_r_on_the_reconstructed_patients(case):
    name, _, analysis = case
    r = REF["on_ipd"][name]
    assert [c.treatment.id for c in analysis.comparisons] == [
        rc["treatment"] for rc in r["comparisons"]
    ]
    for c, rc in zip(analysis.comparisons, r["comparisons"], strict=True):
        assert c.control.id == rc["control"]
        # survdiff (+ strata(stratum) when stratified): chi-square and p, relative 1e-6.
        assert close(c.logrank.statistic, rc["chisq"])
        assert close(c.logrank.p, rc["logrank_p"])
        # coxph(ties = "efron") (+ strata): HR, SE, exp(confint) and Wald p, relative 1e-6
        # (PHReg converges to ~1e-10 on these data).
        assert close(c.cox.hr, rc["hr"])
        assert close(c.cox.se, rc["se"])
        assert close(c.cox.lower, rc["hr_lower"])
        assert close(c.cox.upper, rc["hr_upper"])
        assert close(c.cox.p, rc["cox_p"])
        # RMST difference and sqrt(se1² + se0²) from survmean, relative 1e-6.
        assert close(c.rmst.difference, rc["rmst_difference"])
        assert close(c.rmst.se, rc["rmst_difference_se"])


# --- the round trip against the real trials' own data ---------------------------------------


def digitised_step(analysis: ReconstructedAnalysis, arm_id: str, at: float) -> float:
    """The larger gap between distinct digitised times either side of ``at``."""
    times = np.unique(
        np.concatenate([np.asarray(f.curve.time) for f in analysis.fits if f.arm_id == arm_id])
    )
    i = int(np.searchsorted(times, at))
    gaps = [times[j + 1] - times[j] for j in (i - 1, i) if 0 <= j < times.size - 1]
    return max(gaps)


def test_reconstructed_analyses_are_close_to_the_true_data(case):
    _, ref, analysis = case
    truth = ref["truth"]
    for c, tc in zip(analysis.comparisons, truth["comparisons"], strict=True):
        # Cox log HR on the reconstructed vs the true patients (coxph, efron). Measured:
        # 0.003 (veteran), 0.014 (veteran by cell type: four small strata per arm), 0.0003
        # and 0.0013 (colon). 0.03 is a fifth of the smallest SE here (0.11): a
        # reconstruction this close cannot change a conclusion.
        assert abs(math.log(c.cox.hr) - tc["coef"]) <= 0.03
    for arm in analysis.arms:
        ta = truth["arms"][arm.arm.id]
        # Events: the figure's totals are honoured to within one (measured: 0 or +1).
        assert abs(arm.n_events - ta["events"]) <= 1
        # RMST at tau, within 2% of the truth's (survmean). Measured: at most 1.6%
        # (veteran by cell type), 0.9% (veteran), 0.07% (colon).
        assert arm.rmst.rmst == pytest.approx(ta["rmst"], rel=0.02)
        # Median within one digitised step of the true one (quantile.survfit); colon's
        # Lev+5FU arm does not reach 0.5 in either.
        if ta["median"] is None:
            assert math.isnan(arm.km.median)
        else:
            step = digitised_step(analysis, arm.arm.id, ta["median"])
            assert abs(arm.km.median - ta["median"]) <= step


def test_real_trials_agree_with_their_reported_hazard_ratio(case):
    _, _, analysis = case
    if len(analysis.comparisons) > 1:
        # Three arms, one reported HR per endpoint in the format: nothing to compare.
        assert all(c.agreement is None for c in analysis.comparisons)
        return
    agreement = analysis.comparison().agreement
    # The "reported" HR is the true coxph HR rounded to 2 decimals (as a paper prints it).
    assert agreement.verdict == "agree"
    assert agreement.se_units < 0.2
    # Nothing in a faithful reconstruction of real data calls for a warning.
    assert all(d.level != "warn" for d in analysis.diagnostics)


# --- round trip on simulated trials, through reconstruct_figure -----------------------------

SEEDS = range(50)
TAU = 18.0  # months; every simulated arm is followed beyond it


def test_round_trip_over_many_simulated_trials(palmira):
    # 50 seeded trials, 150 vs 150, exponential PFS (control median 6 months, HR 0.7),
    # censoring uniform over 30 months, digitised by `digitise` (70% of corners, points on
    # flat stretches, noise sd 0.003 / 0.02 months), risk table every 3 months, reported
    # events per arm. Over these 50 seeds the mean absolute errors were: log HR 0.008
    # (max 0.028, bias −0.003), median 0.11 months (max 0.94), RMST(18) 0.05 months = 0.6%
    # (max 1.2%); over 200 other seeds the maxima were 0.047, 1.25 months and 1.5%.
    hr_errors, median_errors, rmst_errors = [], [], []
    for seed in SEEDS:
        data, figure = simulated_trial(seed)
        analysis = reconstruct_figure(with_figures(figure, evidence=palmira), figure, tau=TAU)
        hr_errors.append(math.log(analysis.comparison().cox.hr) - math.log(original_hr(data)))
        for arm_id in (TREATMENT, CONTROL):
            time, event = pooled(data, arm_id)
            km = kaplan_meier(time, event)
            rebuilt = analysis.arm(arm_id)
            median_errors.append(rebuilt.km.median - km.median)
            # The reconstructed median is a time at which the original curve is within
            # 0.04 of one half (worst over these seeds: 0.032): a median on a long flat
            # stretch can move far in time for a tiny error in survival.
            at, just_before = (
                km.survival_at(rebuilt.km.median),
                km.survival_at(rebuilt.km.median - 1e-9),
            )
            assert at <= 0.54 and just_before >= 0.46, seed
            original = rmst(time, event, tau=TAU).rmst
            rmst_errors.append(rebuilt.rmst.rmst / original - 1)
    hr_errors = np.array(hr_errors)
    # Cox log HR (Efron) on reconstructed vs original patients: every trial within 0.04,
    # mean |error| below 0.012 and no bias beyond 0.006 (measured 0.008 and −0.003).
    assert np.max(np.abs(hr_errors)) <= 0.04
    assert np.mean(np.abs(hr_errors)) <= 0.012
    assert abs(np.mean(hr_errors)) <= 0.006
    # Medians: mean |error| below 0.2 months (measured 0.11).
    assert np.mean(np.abs(median_errors)) <= 0.2
    # RMST(18): every arm within 2% (max 1.2%), mean |error| below 1% (measured 0.6%).
    assert np.max(np.abs(rmst_errors)) <= 0.02
    assert np.mean(np.abs(rmst_errors)) <= 0.01


def test_flat_tail_gets_no_events(palmira):
    # 120 patients per arm: every event before 8 months, then only censorings until 30
    # months; the digitiser traces the long flat tail with noisy points.
    rng = np.random.default_rng(17)
    data = {}
    for arm in (TREATMENT, CONTROL):
        events = np.sort(rng.uniform(0.1, 8.0, 50))
        censored = np.concatenate((rng.uniform(0.5, 8.0, 10), rng.uniform(8.5, 30.0, 60)))
        data[(arm, None)] = (
            np.concatenate((events, censored)),
            np.concatenate((np.ones(50, int), np.zeros(70, int))),
        )
    figure = make_figure(data, rng=rng)
    analysis = reconstruct_figure(with_figures(figure, evidence=palmira), figure)
    for arm in analysis.arms:
        last_event = data[(arm.arm.id, None)][0][:50].max()
        # No reconstructed event after the last drop (+0.1 month for the time noise).
        assert arm.time[arm.event == 1].max() <= last_event + 0.1
        assert arm.n_events == 50
        # The plot's event counts stop growing once the tail starts.
        plot = analysis.plot_data()
        counts = np.array(plot.events[arm.arm.id])
        tail = np.array(plot.table_times) > 9.0
        assert np.all(counts[tail] == 50)
        # ... and the tail stays flat: survival at 29 months is that at 9 months.
        assert arm.km.survival_at(29.0) == arm.km.survival_at(9.0)


# --- strata, three arms ---------------------------------------------------------------------

STRATA = ("visceral", "non-visceral")


@pytest.fixture(scope="module")
def stratified(palmira):
    # PALMIRA stratified on visceral involvement: two panels, each with both arms.
    rng = np.random.default_rng(61)
    data = {}
    for stratum, median in zip(STRATA, (4.0, 7.0), strict=True):
        data[(TREATMENT, stratum)] = simulate_arm(rng, 90, median / 0.7)
        data[(CONTROL, stratum)] = simulate_arm(rng, 60, median)
    figure = make_figure(data, rng=rng)
    evidence = with_figures(figure, evidence=palmira)
    return data, evidence, reconstruct_figure(evidence, figure)


def test_stratified_figure_is_reconstructed_per_stratum_and_combined(stratified):
    data, _, analysis = stratified
    assert analysis.stratified and analysis.strata == STRATA
    # Per stratum: the patients of that curve only; pooled: all strata of the arm.
    for arm_id in (TREATMENT, CONTROL):
        parts = [analysis.arm(arm_id, s) for s in STRATA]
        assert [p.n for p in parts] == [data[(arm_id, s)][0].size for s in STRATA]
        assert analysis.arm(arm_id).n == sum(p.n for p in parts)
        np.testing.assert_array_equal(
            np.sort(analysis.arm(arm_id).time), np.sort(np.concatenate([p.time for p in parts]))
        )
    comparison = analysis.comparison()
    assert comparison.stratified
    # Log-rank and Cox are stratified by the figure's strata: the same as calling the
    # statistics with strata= on the reconstructed patients (exact).
    time = np.concatenate([f.ipd.time for f in analysis.fits])
    event = np.concatenate([f.ipd.event for f in analysis.fits])
    group = np.concatenate([np.full(f.ipd.n, int(f.arm_id == TREATMENT)) for f in analysis.fits])
    labels = np.concatenate([np.full(f.ipd.n, f.stratum) for f in analysis.fits])
    assert comparison.logrank.statistic == logrank(time, event, group, strata=labels).statistic
    assert comparison.cox.hr == cox(time, event, group, strata=labels).hr
    assert comparison.logrank.statistic != logrank(time, event, group).statistic
    # Stratified Cox HR within 0.05 on the log scale of the original data's stratified HR.
    assert abs(math.log(comparison.cox.hr) - math.log(original_hr(data, strata=True))) < 0.05
    hr = next(f for f in analysis.figures() if f.id == "pfs.reconstructed.hr")
    assert "stratified by the figure's strata (visceral, non-visceral)" in hr.derivation


def test_stratified_figure_ids_plot_and_diagnostics(stratified):
    _, _, analysis = stratified
    ids = {f.id for f in analysis.figures()}
    for s in ("visceral", "non_visceral"):
        for arm_id in (TREATMENT, CONTROL):
            assert f"pfs.reconstructed.stratum_{s}.median.{arm_id}" in ids
    # Pooled plot: no digitised points (the pooled curve was never drawn); the published
    # numbers at risk are the sums of the strata's tables.
    plot = analysis.plot_data()
    assert all(arm.digitised_time.size == 0 for arm in plot.arms)
    for arm_id in (TREATMENT, CONTROL):
        tables = [analysis.figure.risk_table(arm_id, s).at_risk for s in STRATA]
        assert plot.published_at_risk[arm_id] == tuple(np.sum(tables, axis=0).tolist())
    # One stratum's plot: its curves, its digitised points and its risk table.
    panel = analysis.plot_data("visceral")
    assert "visceral" in panel.title
    for arm in panel.arms:
        curve = analysis.figure.curve(arm.arm_id, "visceral")
        assert arm.digitised_time.size == len(curve.time)
        assert (
            panel.published_at_risk[arm.arm_id]
            == analysis.figure.risk_table(arm.arm_id, "visceral").at_risk
        )
    with pytest.raises(KeyError, match="no stratum"):
        analysis.plot_data("bone only")
    # Numbers at risk are checked per curve: one row per arm and stratum.
    at_risk = [d for d in analysis.diagnostics if d.key.startswith("at_risk.")]
    assert {(d.arm_id, d.stratum) for d in at_risk} == {
        (a, s) for a in (TREATMENT, CONTROL) for s in STRATA
    }


@pytest.fixture(scope="module")
def three_arms(palmira):
    # A third arm, "palbo_high", another treatment arm against the same control.
    arms = (
        palmira.arm(TREATMENT),
        dataclasses.replace(palmira.arm(TREATMENT), id="palbo_high", label="P-high+ET"),
        palmira.arm(CONTROL),
    )
    evidence = dataclasses.replace(palmira, arms=arms)
    rng = np.random.default_rng(3)
    data = {
        (TREATMENT, None): simulate_arm(rng, 120, 6.0 / 0.8),
        ("palbo_high", None): simulate_arm(rng, 120, 6.0 / 0.6),
        (CONTROL, None): simulate_arm(rng, 120, 6.0),
    }
    figure = make_figure(data, rng=rng)
    evidence = with_figures(figure, evidence=evidence)
    return data, reconstruct_figure(evidence, figure)


def test_three_arm_trial_compares_each_treatment_arm_with_control(three_arms):
    _, analysis = three_arms
    assert [a.arm.id for a in analysis.arms] == [TREATMENT, "palbo_high", CONTROL]
    assert [(c.treatment.id, c.control.id) for c in analysis.comparisons] == [
        (TREATMENT, CONTROL),
        ("palbo_high", CONTROL),
    ]
    # Each comparison uses only its two arms: its HR is the two-arm Cox HR (exact).
    for c in analysis.comparisons:
        fits = [f for f in analysis.fits if f.arm_id in (c.treatment.id, CONTROL)]
        time = np.concatenate([f.ipd.time for f in fits])
        event = np.concatenate([f.ipd.event for f in fits])
        group = np.concatenate([np.full(f.ipd.n, int(f.arm_id != CONTROL)) for f in fits])
        assert c.cox.hr == cox(time, event, group).hr
        # The endpoint's one reported HR cannot be attributed to either comparison.
        assert c.agreement is None
    ids = {f.id for f in analysis.figures()}
    assert {"pfs.reconstructed.hr.palbo_et", "pfs.reconstructed.hr.palbo_high"} <= ids
    assert "pfs.reconstructed.hr" not in ids
    assert not any(i.startswith("pfs.reconstructed.hr_vs_reported") for i in ids)
    with pytest.raises(ValueError, match="2 comparisons"):
        analysis.comparison()
    assert analysis.comparison("palbo_high").cox.hr < analysis.comparison(TREATMENT).cox.hr
    plot = analysis.plot_data()
    assert [a.arm_id for a in plot.arms] == [TREATMENT, "palbo_high", CONTROL]


# --- the agreement rule ---------------------------------------------------------------------

REPORTED = Measure(0.84, "reported", unit="ratio", lower=0.66, upper=1.07, level=0.95, decimals=2)


def fitted(hr, lower, upper) -> CoxResult:
    return CoxResult(hr=hr, lower=lower, upper=upper, p=0.2, se=0.15, level=0.95, ties="efron")


def test_agreement_statement_agree():
    ag = hr_agreement(fitted(0.83, 0.62, 1.10), REPORTED)
    # SE of the reported log HR: (ln 1.07 − ln 0.66) / (2 × 1.95996) = 0.1233;
    # |ln(0.83 / 0.84)| = 0.0120 = 0.10 SE.
    assert ag.reported_se == pytest.approx(0.12326, abs=1e-5)
    assert (ag.verdict, ag.level) == ("agree", "pass")
    assert ag.statement == (
        "Reconstructed HR 0.83 (95% CI 0.62–1.10) agrees with the reported 0.84 (0.66–1.07): "
        "the log-HRs differ by 0.01, 0.1 reported standard errors."
    )


def test_agreement_statement_close():
    # ln(0.93 / 0.84) = 0.102 = 0.83 SE: beyond 0.5 SE + rounding (0.068), within 1 SE (0.129).
    ag = hr_agreement(fitted(0.93, 0.70, 1.24), REPORTED)
    assert (ag.verdict, ag.level) == ("close", "note")
    assert ag.statement == (
        "Reconstructed HR 0.93 (95% CI 0.70–1.24) is close to the reported 0.84 (0.66–1.07): "
        "the log-HRs differ by 0.10, 0.8 reported standard errors; within 1 but beyond the "
        "0.5 that counts as agreement."
    )


def test_agreement_statement_differ():
    ag = hr_agreement(fitted(1.20, 0.90, 1.60), REPORTED)
    assert (ag.verdict, ag.level) == ("differ", "warn")
    assert ag.statement == (
        "Reconstructed HR 1.20 (95% CI 0.90–1.60) differs from the reported 0.84 (0.66–1.07): "
        "the log-HRs differ by 0.36, 2.9 reported standard errors; check the digitised curves "
        "and the risk table, and whether the reported HR was stratified or adjusted."
    )


def test_agreement_allows_for_the_printed_rounding():
    # PALMIRA prints 0.8 (0.6–1.1): the true HR may be anywhere in 0.75–0.85, so a
    # reconstructed 0.92 (0.90 SE away) still agrees; unrounded, it would only be close.
    palmira_hr = Measure(0.8, "reported", lower=0.6, upper=1.1, level=0.95, decimals=1)
    rec = fitted(0.92, 0.66, 1.28)
    ag = hr_agreement(rec, palmira_hr)
    assert ag.allowance == pytest.approx(math.log(0.8 / 0.75))
    assert ag.verdict == "agree"
    unrounded = dataclasses.replace(palmira_hr, decimals=None)
    assert hr_agreement(rec, unrounded).verdict == "close"
    assert (AGREE_SE, CLOSE_SE) == (0.5, 1.0)


# --- diagnostics, tau, landmarks, errors ----------------------------------------------------


def test_wrong_risk_table_is_flagged(trial, palmira):
    figure = trial[2].figure
    table = figure.risk_table(CONTROL)
    # The printed table claims nobody left the control arm between 3 and 6 months, yet the
    # curve drops there: the curve and the table cannot both hold.
    wrong = list(table.at_risk)
    wrong[2] = wrong[1]
    tables = tuple(
        dataclasses.replace(t, at_risk=tuple(wrong)) if t.arm == CONTROL else t
        for t in figure.risk_tables
    )
    bad = dataclasses.replace(figure, risk_tables=tables)
    analysis = reconstruct_figure(with_figures(bad, evidence=palmira), bad)
    check = next(d for d in analysis.diagnostics if d.key == f"at_risk.{CONTROL}")
    assert check.level == "warn"
    fit = analysis.arm(CONTROL).fits[0]
    size, where, published = fit.largest_at_risk_difference
    assert where == 6.0 and published == wrong[1] and size > 10
    assert f"by up to {size} (at 6 months" in check.message
    assert "cannot both be met" in check.message
    # The right table, for comparison, passes.
    good = reconstruct_figure(with_figures(figure, evidence=palmira), figure)
    assert next(d for d in good.diagnostics if d.key == f"at_risk.{CONTROL}").level == "pass"


def test_reported_events_and_medians_are_compared(trial):
    data, _, analysis = trial
    events = {d.key: d for d in analysis.diagnostics if d.key.startswith("events")}
    for arm_id in (TREATMENT, CONTROL):
        d = events[f"events.{arm_id}"]
        assert d.reported == data[(arm_id, None)][1].sum()
        assert d.reconstructed == analysis.arm(arm_id).n_events
    # The endpoint's total (PALMIRA's 155) against the reconstruction's sum.
    total = events["events"]
    assert total.reported == 155
    assert total.reconstructed == sum(a.n_events for a in analysis.arms)
    median = next(d for d in analysis.diagnostics if d.key == f"median.{TREATMENT}")
    assert median.reported == 4.2  # PALMIRA's printed median
    assert median.reconstructed == analysis.arm(TREATMENT).km.median
    assert median.figures == (f"pfs.reconstructed.median.{TREATMENT}", f"pfs.median.{TREATMENT}")


def test_tau_default_and_limits(trial):
    _, evidence, analysis = trial
    last = min(a.last_time for a in analysis.arms)
    assert analysis.tau_is_default and analysis.tau == last
    fig = next(f for f in analysis.figures() if f.id == "pfs.reconstructed.rmst_difference")
    assert "default: the largest time every arm's follow-up reaches" in fig.derivation
    chosen = reconstruct_figure(evidence, analysis.figure, tau=12.0)
    assert chosen.tau == 12.0 and not chosen.tau_is_default
    assert chosen.comparison().rmst.tau == 12.0
    with pytest.raises(ValueError, match="beyond the reconstructed follow-up"):
        reconstruct_figure(evidence, analysis.figure, tau=last + 0.5)
    with pytest.raises(ValueError, match="tau must be a number > 0"):
        reconstruct_figure(evidence, analysis.figure, tau=0)


def test_landmarks_reported_and_asked_for(trial):
    _, evidence, analysis = trial
    # PALMIRA reports PFS at 6 months: analysed without asking, beside the reported rate.
    assert analysis.landmark_times == (6.0,)
    lm = analysis.arm(TREATMENT).landmarks[0]
    km = analysis.arm(TREATMENT).km
    i = np.searchsorted(km.time, 6.0, side="right") - 1
    assert lm.percent == pytest.approx(100 * km.survival[i])
    assert (lm.lower, lm.upper) == pytest.approx((100 * km.lower[i], 100 * km.upper[i]))
    assert lm.reported.value == 40.9
    fig = next(f for f in analysis.figures() if f.id == f"pfs.reconstructed.landmark_6.{TREATMENT}")
    assert fig.inputs == (f"pfs.reconstructed.patients.{TREATMENT}", f"pfs.landmark_6.{TREATMENT}")
    more = reconstruct_figure(evidence, analysis.figure, landmarks=[12, 0.01, 60])
    assert more.landmark_times == (0.01, 6.0, 12.0, 60.0)
    early, *_, beyond = more.arm(CONTROL).landmarks
    # Before the first event: 100% with a degenerate CI, as R's summary(fit, times =).
    assert (early.percent, early.lower, early.upper) == (100.0, 100.0, 100.0)
    # Beyond the follow-up: not estimable, and the figure says why.
    assert beyond.percent is None
    fig60 = next(f for f in more.figures() if f.id == f"pfs.reconstructed.landmark_60.{CONTROL}")
    assert fig60.value is None and "Not estimable" in fig60.derivation
    with pytest.raises(ValueError, match="landmark times must be numbers > 0"):
        reconstruct_figure(evidence, analysis.figure, landmarks=[-1])


def figure_with(trial, **changes) -> KmFigure:
    return dataclasses.replace(trial[2].figure, **changes)


def test_figure_that_does_not_fit_the_evidence_is_an_evidence_error(trial, palmira):
    figure = trial[2].figure
    stranger = dataclasses.replace(figure.curves[0], arm="placebo")
    bad = figure_with(trial, curves=(stranger, *figure.curves[1:]))
    with pytest.raises(EvidenceError, match="Figure 2: curve of unknown arm 'placebo'"):
        reconstruct_figure(with_figures(bad, evidence=palmira), bad)
    only_treatment = figure_with(
        trial, curves=figure.curves[:1], risk_tables=figure.risk_tables[:1]
    )
    with pytest.raises(EvidenceError, match="no curve for the control arm 'ET'") as info:
        reconstruct_figure(with_figures(only_treatment, evidence=palmira), only_treatment)
    assert "km_figures[0]" in str(info.value)  # names the place in the evidence
    percent = dataclasses.replace(
        figure.curves[1], survival=tuple(100 * s for s in figure.curves[1].survival)
    )
    bad = figure_with(trial, curves=(figure.curves[0], percent))
    with pytest.raises(EvidenceError, match=r"Figure 2: ET: curve_survival must be a probability"):
        reconstruct_figure(with_figures(bad, evidence=palmira), bad)
    no_table = figure_with(trial, risk_tables=figure.risk_tables[:1])
    with pytest.raises(EvidenceError, match="no risk table for ET"):
        reconstruct_figure(with_figures(no_table, evidence=palmira), no_table)
    with pytest.raises(ValueError, match="level must be in"):
        reconstruct_figure(trial[1], figure, level=95)


# --- plot data and tables -------------------------------------------------------------------


def test_plot_data_follows_the_contract(trial):
    data, _, analysis = trial
    plot = analysis.plot_data()
    assert plot.status == "reconstructed" and plot.ci_level == 0.95
    assert plot.ci_method == CI_METHOD == "log transformation, Greenwood variance"
    assert plot.title == "Progression-free survival: reconstructed from Figure 2"
    assert (plot.endpoint_name, plot.time_unit) == ("Progression-free survival", "months")
    assert [a.arm_id for a in plot.arms] == [TREATMENT, CONTROL]  # treatment first
    assert [a.label for a in plot.arms] == ["P+ET", "ET"]
    assert plot.table_times == tuple(RISK_TIMES.tolist())
    for curve in plot.arms:
        arm = analysis.arm(curve.arm_id)
        # Steps from (0, 1), then the KM table of the reconstructed patients.
        assert (curve.time[0], curve.survival[0], curve.lower[0], curve.upper[0]) == (0, 1, 1, 1)
        np.testing.assert_array_equal(curve.time[1:], arm.km.time)
        np.testing.assert_array_equal(curve.survival[1:], arm.km.survival)
        np.testing.assert_array_equal(curve.upper[1:], arm.km.upper)
        # Censoring marks at the censored patients' times, on the curve.
        np.testing.assert_array_equal(curve.censor_time, np.unique(arm.time[arm.event == 0]))
        np.testing.assert_array_equal(curve.censor_survival, arm.km.survival_at(curve.censor_time))
        # The digitised points, as read, sorted by time.
        digitised = analysis.figure.curve(curve.arm_id)
        np.testing.assert_array_equal(curve.digitised_time, np.sort(digitised.time))
        # KMunicate table: at risk + censored + events = the arm's patients in every column.
        n = arm.n
        for r, c, e in zip(
            plot.at_risk[curve.arm_id],
            plot.censored[curve.arm_id],
            plot.events[curve.arm_id],
            strict=True,
        ):
            assert r + c + e == n
        # The reconstruction meets the published numbers at risk here.
        assert plot.at_risk[curve.arm_id] == analysis.figure.risk_table(curve.arm_id).at_risk
        assert plot.published_at_risk[curve.arm_id] == at_risk(data[(curve.arm_id, None)][0])
    assert plot.events[CONTROL][0] == 0 and plot.events[CONTROL][-1] == analysis.arm(
        CONTROL
    ).n_events - int(np.sum(analysis.arm(CONTROL).time[analysis.arm(CONTROL).event == 1] >= 30))
    # The caption names the figure, the document and the method; the CI method travels in
    # ci_method (the plot writes it once, with the level and what bands, ticks and table show).
    points = sum(len(c.time) for c in analysis.figure.curves)
    for words in (
        "digitised Figure 2 (Llombart-Cussac A, et al.",
        f"Guyot et al. (2012): {points} digitised points and the numbers at risk at 11 times",
    ):
        assert words in plot.caption
    assert plot.ci_method == CI_METHOD and CI_METHOD not in plot.caption


def test_analyses_frame(trial):
    _, _, analysis = trial
    frame = analysis.analyses_frame()
    assert list(frame.columns) == [
        "what",
        "arm",
        "stratum",
        "estimate",
        "lower",
        "upper",
        "p",
        "unit",
        "display",
        "reported",
        "agreement",
        "status",
        "method",
        "figure",
    ]
    assert set(frame["status"]) == {"reconstructed"}
    hr = frame.set_index("figure").loc["pfs.reconstructed.hr"]
    c = analysis.comparison()
    assert (hr["what"], hr["arm"]) == ("Hazard ratio (Cox)", "P+ET vs ET")
    assert (hr["estimate"], hr["lower"], hr["upper"], hr["p"]) == (
        c.cox.hr,
        c.cox.lower,
        c.cox.upper,
        c.cox.p,
    )
    assert hr["reported"] == "0.8 (95% CI 0.6–1.1)"
    assert hr["agreement"] == c.agreement.level
    median = frame.set_index("figure").loc[f"pfs.reconstructed.median.{CONTROL}"]
    assert median["reported"] == "3.6 months (95% CI 2.7–4.2)"
    assert median["estimate"] == analysis.arm(CONTROL).km.median
    landmark = frame.set_index("figure").loc[f"pfs.reconstructed.landmark_6.{TREATMENT}"]
    assert landmark["reported"] == "40.9%"
    # Every figure shown in the table is one of the analysis' figures.
    assert set(frame["figure"]) <= {f.id for f in analysis.figures()}


def test_diagnostics_frame(trial):
    _, _, analysis = trial
    frame = analysis.diagnostics_frame()
    assert list(frame.columns) == [
        "what",
        "arm",
        "stratum",
        "reconstructed",
        "reported",
        "difference",
        "level",
        "message",
    ]
    assert len(frame) == len(analysis.diagnostics)
    assert set(frame["level"]) <= {"pass", "note", "warn"}
    row = frame[frame["what"] == "Median, reconstructed vs reported"].iloc[0]
    assert row["arm"] == "P+ET"
    assert row["difference"] == pytest.approx(row["reconstructed"] - row["reported"])
    fit = frame[frame["what"] == "Largest gap, digitised vs reconstructed curve"]
    assert fit["reported"].isna().all()  # nothing reported to compare with


def test_figures_are_reconstructed_with_their_provenance(trial):
    _, _, analysis = trial
    figures = {f.id: f for f in analysis.figures()}
    assert all(f.status == "reconstructed" and f.topic == "pfs" for f in figures.values())
    expected = {
        "pfs.reconstructed.hr",
        "pfs.reconstructed.cox_p",
        "pfs.reconstructed.logrank_chisq",
        "pfs.reconstructed.logrank_p",
        "pfs.reconstructed.rmst_difference",
        "pfs.reconstructed.hr_vs_reported",
    }
    for arm_id in (TREATMENT, CONTROL):
        expected |= {
            f"pfs.reconstructed.{what}.{arm_id}"
            for what in ("patients", "events", "max_abs_diff", "median", "rmst", "landmark_6")
        }
    assert set(figures) == expected
    root = figures[f"pfs.reconstructed.patients.{CONTROL}"]
    n_points = len(analysis.figure.curve(CONTROL).time)
    assert root.derivation.startswith(
        f"Guyot et al. 2012 reconstruction from {n_points} digitised points and the numbers "
        "at risk at 11 times (Figure 2, Llombart-Cussac A, et al."
    )
    hr = figures["pfs.reconstructed.hr"]
    assert hr.inputs == (f"pfs.reconstructed.patients.{TREATMENT}", root.id)
    assert hr.formatted().startswith(f"{analysis.comparison().cox.hr:.2f} (95% CI ")
    versus = figures["pfs.reconstructed.hr_vs_reported"]
    assert versus.inputs == ("pfs.reconstructed.hr", "pfs.hr")
    assert versus.value == pytest.approx(math.log(analysis.comparison().cox.hr / 0.8))


# --- summary and audit ----------------------------------------------------------------------


def test_summary_adds_the_reconstruction_and_its_checks(trial):
    _, evidence, analysis = trial
    summary = summarize(evidence)
    rebuilt = summary.reconstructions["pfs"]
    assert isinstance(rebuilt, ReconstructedAnalysis)
    assert rebuilt.comparison().cox.hr == analysis.comparison().cox.hr
    hr = summary.figure("pfs.reconstructed.hr")
    assert hr.status == "reconstructed"
    assert summary.topic_title(hr.topic) == "Progression-free survival"
    checks = {c.id: c for c in summary.checks}
    agreement = checks["pfs_reconstructed_hr"]
    assert agreement.level == analysis.comparison().agreement.level
    assert agreement.message.startswith("Progression-free survival, Figure 2: Reconstructed HR")
    assert agreement.figures == (
        "pfs.reconstructed.hr",
        "pfs.hr",
        "pfs.reconstructed.hr_vs_reported",
    )
    for key in (f"median_{TREATMENT}", f"events_{CONTROL}", f"at_risk_{CONTROL}", "events"):
        assert f"pfs_reconstructed_{key}" in checks
    # Every figure a check names exists, or the audit panel cannot list it.
    for check in summary.checks:
        for fid in check.figures:
            summary.figure(fid)
    # The reconstruction's checks follow the endpoint's other checks.
    order = [c.id for c in summary.checks]
    assert order.index("pfs_reconstructed_hr") > order.index("pfs_p_vs_ci")
    assert summary.to_json()["figures"]  # JSON-ready (no NaN)


def test_summary_without_figures_is_unchanged(palmira):
    summary = summarize(palmira)
    assert dict(summary.reconstructions) == {}
    assert not any("reconstructed" in f.id for f in summary.figures)
    assert not any("reconstructed" in c.id for c in summary.checks)


def test_audit_warns_about_a_wrong_risk_table(trial, palmira):
    figure = trial[2].figure
    tables = list(figure.risk_tables)
    wrong = list(tables[1].at_risk)
    wrong[2] = wrong[1]
    tables[1] = dataclasses.replace(tables[1], at_risk=tuple(wrong))
    bad = dataclasses.replace(figure, risk_tables=tuple(tables))
    checks = {c.id: c for c in summarize(with_figures(bad, evidence=palmira)).checks}
    assert checks[f"pfs_reconstructed_at_risk_{CONTROL}"].level == "warn"
    assert checks[f"pfs_reconstructed_at_risk_{TREATMENT}"].level == "pass"


def test_second_figure_of_an_endpoint_gets_its_own_ids(trial, palmira):
    figure = trial[2].figure
    again = dataclasses.replace(figure, id="pfs_km_update", label="Figure S3")
    summary = summarize(with_figures(figure, again, evidence=palmira))
    assert summary.figure("pfs.reconstructed.hr")
    assert summary.figure("pfs.reconstructed_pfs_km_update.hr")
    assert summary.reconstructions["pfs"].figure.id == "pfs_km"  # the endpoint's first
    assert "pfs_reconstructed_pfs_km_update_hr" in {c.id for c in summary.checks}
