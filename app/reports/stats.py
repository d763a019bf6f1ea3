"""Confidence intervals, from statsmodels (a maintained statistics library), never from
formulas written here.

- ``wilson``: the 95% Wilson score interval of a proportion
  (``statsmodels.stats.proportion.proportion_confint(method="wilson")``);
- ``newcombe``: the 95% interval of the difference of two independent proportions by
  Newcombe's hybrid score method (``confint_proportions_2indep(method="newcomb")``).

statsmodels is imported on first use, so starting the app does not pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHA = 0.05  # 95% intervals


@dataclass(frozen=True)
class Proportion:
    count: int
    total: int
    rate: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class Difference:
    difference: float | None
    ci_low: float | None
    ci_high: float | None


def wilson(count: int, total: int) -> Proportion:
    """``count`` of ``total`` with its Wilson interval (rate and interval None when
    ``total`` is 0)."""
    if total <= 0:
        return Proportion(count, total, None, None, None)
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(count, total, alpha=ALPHA, method="wilson")
    return Proportion(count, total, count / total, float(low), float(high))


def newcombe(count1: int, total1: int, count2: int, total2: int) -> Difference:
    """The first rate minus the second, with Newcombe's interval (None when either
    group is empty)."""
    if total1 <= 0 or total2 <= 0:
        return Difference(None, None, None)
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(
        count1, total1, count2, total2, method="newcomb", compare="diff", alpha=ALPHA
    )
    return Difference(count1 / total1 - count2 / total2, float(low), float(high))
