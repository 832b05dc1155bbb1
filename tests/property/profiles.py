"""Hypothesis settings shared by the property and fuzz tests.

The default run is small, seeded and deterministic, so `make test` stays fast and a failure
reproduces; ``GOVDATA_HYPOTHESIS=long`` runs thousands of freshly random examples (the long
fuzz run described in docs/benchmarks.md, "Ingest").
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

IS_LONG = os.environ.get("GOVDATA_HYPOTHESIS") == "long"
LONG_EXAMPLES = int(os.environ.get("GOVDATA_HYPOTHESIS_EXAMPLES", "3000"))


def examples(default: int) -> settings:
    """Settings for one test: ``default`` examples, deterministic; the long run's count when asked."""
    return settings(max_examples=LONG_EXAMPLES if IS_LONG else default, derandomize=not IS_LONG, deadline=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
