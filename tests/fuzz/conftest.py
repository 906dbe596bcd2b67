"""Hypothesis profiles of the importer fuzz tests (``docs/fuzzing.md``).

``ci`` (the default) is bounded and reproducible: a fixed number of examples per test,
derandomised, no example database written into the checkout. ``long`` runs on demand
(``HYPOTHESIS_PROFILE=long``, or ``scripts/fuzz_long.py``, which also counts the inputs
tried) with fresh random inputs on every run: 12,000 examples per test, or
``FUZZ_LONG_EXAMPLES``; the slowest tests run a share of them (``profile(long_share=...)``
in ``strategies.py``).

The profiles are applied per test (``@strategies.profile()``) rather than loaded for the
whole session, so the suite's other property tests keep their own settings.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]

settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=_SLOW_CHECKS,
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("FUZZ_LONG_EXAMPLES", "12000")),
    deadline=None,
    derandomize=False,
    database=None,
    print_blob=True,
    suppress_health_check=_SLOW_CHECKS,
)
