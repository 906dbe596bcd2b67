"""Pure statistics for trial evidence: no Qt, no I/O, no pandas in signatures.

Submodules (loaded on first use, so importing the package is cheap):

``design``
    events, power, detectable effect and sample size for time-to-event trials.
``effects``
    Wald inference recovered from a printed estimate and CI; normal-normal posteriors.
``binary``
    proportion intervals, two-arm comparisons, counts behind rounded percentages.
``survival``
    exponential helpers, Kaplan–Meier, log-rank, Cox, RMST, IPD reconstruction.
``meta``
    fixed- and random-effects pooling of ratio estimates.
``simulation``
    Monte Carlo simulation of trial designs analysed by the log-rank test (empirical power,
    observed hazard ratios, analysis times).

Every function returns a float or a frozen result object with named attributes;
each is checked against R in ``tests/reference``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["binary", "design", "effects", "fragility", "meta", "simulation", "survival"]


def __getattr__(name: str) -> ModuleType:
    if name in __all__:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
