"""The report figures, worked out at most a few minutes ago and shared.

A report reads every case of its period: at 200,000 cases the dashboard's twelve months
took about 1.9 s for one request, and 6-9 s with eight at once (docs/bench/README.md).
Its figures are aggregates, the same for every supervisor and analyst who asks with the
same filters, so each section's figures are kept (``app.kept``) for ``REPORT_FIGURES_SECONDS``
(10 minutes unless set; 0 works them out on every request), under the section, the day
and the filters. Every page says when its figures were worked out. A partner's own
figures, with small numbers protected, are not kept (``app.reports.partners``).
"""

from __future__ import annotations

import hashlib

from app import kept
from app.dates import today_in_london
from app.reports.filters import ReportFilters


def kept_for_seconds() -> int:
    return kept.seconds("REPORT_FIGURES_SECONDS")


def figures(section, filters: ReportFilters) -> kept.Kept:
    """``section``'s figures for ``filters``: kept ones if they are recent enough."""
    asked = f"{section.name}|{today_in_london().isoformat()}|{filters!r}"
    key = "report-figures:" + hashlib.sha256(asked.encode()).hexdigest()
    return kept.kept(key, kept_for_seconds(), lambda: section.build(filters))
