"""Figures: formatting at printed precision and provenance rules."""

from __future__ import annotations

import math

import pytest

from explorer.analysis.figures import Figure, computed, derived_status, format_number


def fig(**kw):
    base = dict(id="x", label="X", value=1.0, unit=None, status="derived", derivation="d")
    base.update(kw)
    return Figure(**base)


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (0.206, 3, "0.206"),
        (1.8e-7, 3, "<0.001"),
        (4.2, 1, "4.2"),
        (198.0, None, "198"),
        (0.05, None, "0.05"),
        (126.869, None, "126.9"),
        (-6.02, 1, "−6.0"),
        (math.inf, 1, "∞"),
        (None, 1, "—"),
        (float("nan"), None, "—"),
    ],
)
def test_format_number(value, decimals, text):
    assert format_number(value, decimals) == text


def test_formatted_with_ci_and_units():
    f = fig(value=4.2, lower=3.5, upper=5.8, level=0.95, unit="months", decimals=1)
    assert f.formatted() == "4.2 months (95% CI 3.5–5.8)"
    pct = fig(value=37.15, lower=30.48, upper=48.82, level=0.95, unit="%", decimals=1)
    assert pct.formatted() == "37.1% (95% CI 30.5–48.8%)"
    rd = fig(value=4.11, lower=-6.02, upper=11.21, level=0.95, unit="percentage points", decimals=1)
    assert rd.formatted() == "4.1 percentage points (95% CI −6.0 to 11.2)"
    assert fig(value=1.0, unit="patients", decimals=0).formatted() == "1 patient"
    age = fig(value=59, lower=33, upper=85, unit="years", decimals=0, interval="range")
    assert age.formatted() == "59 years (range 33–85)"
    span = fig(value=None, lower=0.0187, upper=0.3878, decimals=3)
    assert span.formatted() == "0.019–0.388"


def test_provenance_is_required():
    with pytest.raises(ValueError, match="needs a source"):
        Figure(id="a", label="A", value=1.0, unit=None, status="reported")
    with pytest.raises(ValueError, match="needs a derivation"):
        Figure(id="a", label="A", value=1.0, unit=None, status="derived")
    with pytest.raises(ValueError, match="unknown status"):
        fig(status="guessed")


def test_status_follows_least_certain_input():
    reported = Figure(id="r", label="R", value=1.0, unit=None, status="reported", source="s")
    rebuilt = fig(id="k", status="reconstructed", derivation="from a percentage")
    assert derived_status([reported]) == "derived"
    assert derived_status([reported, rebuilt]) == "reconstructed"
    out = computed(
        id="c", label="C", value=2.0, unit=None, method="sum", inputs=[reported, rebuilt], topic="t"
    )
    assert out.status == "reconstructed"
    assert out.inputs == ("r", "k")
    assert out.derivation == "sum. Inputs: R = 1 [reported]; X = 1 [reconstructed]"


def test_json_shape_matches_design():
    f = fig(value=math.inf, lower=1.0, upper=2.0, level=0.95)
    out = f.to_json()
    assert set(out) >= {"id", "label", "value", "unit", "status", "source", "derivation"}
    assert out["value"] is None  # JSON has no infinity
    assert out["lower"] == 1.0
