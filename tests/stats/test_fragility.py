"""explorer.stats.fragility against loops over R fisher.test (tests/reference/fragility.R)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.stats.binary import compare
from explorer.stats.fragility import FragilityResult, fragility_index

CASES = [
    "palmira_ae_g34",
    "palmira_orr",
    "palmira_cbr",
    "tea",
    "larynx",
    "equal_100",
    "fewer_events_higher_risk",
    "alpha_01",
]
DIRECTION = {1: "non-event to event", -1: "event to non-event"}


@pytest.fixture
def ref(r_reference):
    return r_reference("fragility")["cases"]


@pytest.mark.parametrize("case", CASES)
def test_index_matches_r(ref, case):
    r = ref[case]
    got = fragility_index(r["k1"], r["n1"], r["k2"], r["n2"], alpha=r["alpha"])
    assert isinstance(got, FragilityResult)
    # Index, group and direction: exact equality with the R loop over fisher.test.
    assert got.index == r["index"]
    assert got.significant is r["significant"]
    assert got.reverse is (not r["significant"])
    if r["index"] is None:
        assert got.modified_group is None and got.direction is None and got.steps == ()
    else:
        assert got.modified_group == r["group"]
        assert got.direction == DIRECTION[r["step"]]
        assert len(got.steps) == got.index
        # Fisher p before and after the changes vs R fisher.test, rel 1e-9 (R's p is
        # computed by a different route; both are exact to ~1e-14).
        assert got.p_final == pytest.approx(r["p_final"], rel=1e-9)
        assert got.steps[-1][2] == got.p_final
    assert got.p_initial == pytest.approx(r["p_initial"], rel=1e-9)
    # Every move evaluated, with the same number of changes as R (exact).
    moves = [(m.group, m.direction, m.changes) for m in got.moves]
    expected = [(m["group"], DIRECTION[m["step"]], m["changes"]) for m in r["moves"]]
    assert moves == expected


def test_palmira_numbers():
    # Grade 3–4 AEs 61/135 vs 5/60: 13 more control patients with an event lose significance.
    ae = fragility_index(61, 135, 5, 60)
    assert (ae.index, ae.modified_group, ae.direction) == (13, 2, "non-event to event")
    assert ae.steps[-1][:2] == (61, 18)
    assert ae.steps[-2][2] < 0.05 <= ae.p_final  # one change fewer is still significant
    # ORR 6/94 vs 1/44 is 7 responders away from significance; CBR 6 (fewer control benefits).
    assert fragility_index(6, 94, 1, 44).index == 7
    cbr = fragility_index(31, 94, 13, 44)
    assert (cbr.index, cbr.modified_group, cbr.direction) == (6, 2, "event to non-event")


def test_walsh_uses_the_lower_proportion_when_fewer_events_means_higher_risk(ref):
    # 10/20 (50%) vs 20/200 (10%): group 1 has fewer events but the higher risk; adding
    # events there never loses significance, so group 2 changes (documented deviation).
    got = fragility_index(10, 20, 20, 200)
    assert got.modified_group == 2 == ref["fewer_events_higher_risk"]["group"]


def test_no_single_group_change_reaches_significance():
    got = fragility_index(3, 4, 1, 4)
    assert got.index is None and got.p_final is None
    assert all(m.changes is None for m in got.moves) and len(got.moves) == 4


@pytest.mark.parametrize(
    "args",
    [(-1, 10, 1, 10), (11, 10, 1, 10), (1, 0, 0, 10), (1.5, 10, 1, 10), (True, 10, 1, 10)],
)
def test_bad_counts_raise(args):
    with pytest.raises(ValueError):
        fragility_index(*args)


@pytest.mark.parametrize("alpha", [0.0, 1.0, -0.1, float("nan")])
def test_bad_alpha_raises(alpha):
    with pytest.raises(ValueError, match="alpha"):
        fragility_index(10, 100, 25, 100, alpha=alpha)


@settings(max_examples=60, deadline=None)
@given(
    n1=st.integers(5, 60),
    n2=st.integers(5, 60),
    data=st.data(),
)
def test_path_crosses_the_boundary_exactly_once(n1, n2, data):
    k1 = data.draw(st.integers(0, n1))
    k2 = data.draw(st.integers(0, n2))
    got = fragility_index(k1, n1, k2, n2)
    # The initial p is the binary module's Fisher p (checked against R there).
    assert got.p_initial == compare(k1, n1, k2, n2).fisher_p
    if got.index is None:
        return
    ps = [p for *_, p in got.steps]
    # Every step before the last is still on the initial side of alpha; the last crosses.
    if got.significant:
        assert all(p < 0.05 for p in ps[:-1]) and ps[-1] >= 0.05
    else:
        assert all(p >= 0.05 for p in ps[:-1]) and ps[-1] < 0.05
    # Only one group changes, one patient at a time, group sizes fixed.
    g = got.modified_group
    ks = [(k1, k2), *((a, b) for a, b, _ in got.steps)]
    other = [k[2 - g] for k in ks]
    assert len(set(other)) == 1
    moved = [k[g - 1] for k in ks]
    assert all(abs(b - a) == 1 for a, b in itertools.pairwise(moved))
