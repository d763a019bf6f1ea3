"""The report figures, worked out at most a few minutes ago and shared.

A report reads every case of its period: at 200,000 cases the dashboard's twelve months
took about 1.9 s for one request, and 6-9 s with eight at once (docs/bench/README.md).
Its figures are aggregates, the same for every supervisor and analyst who asks with the
same filters, so each section's figures are kept (``app.extensions.cache``: Redis when
``CACHE_REDIS_URL`` names one, else the process's memory) for ``REPORT_FIGURES_SECONDS``
(10 minutes unless set; 0 works them out on every request), under the section, the day
and the filters. Every page says when its figures were worked out. A partner's own
figures, with small numbers protected, are not kept (``app.reports.partners``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from app.database import utcnow
from app.dates import today_in_london
from app.extensions import cache
from app.reports.filters import ReportFilters


@dataclass(frozen=True)
class Figures:
    data: object  # what the section's ``build`` returned
    worked_out_at: datetime


def kept_for_seconds() -> int:
    return max(0, int(current_app.config["REPORT_FIGURES_SECONDS"]))


def figures(section, filters: ReportFilters) -> Figures:
    """``section``'s figures for ``filters``: kept ones if they are recent enough."""
    seconds = kept_for_seconds()
    if not seconds:
        return Figures(section.build(filters), utcnow())
    asked = f"{section.name}|{today_in_london().isoformat()}|{filters!r}"
    key = "report-figures:" + hashlib.sha256(asked.encode()).hexdigest()
    found = cache.get(key)
    # The age is checked here too, not only by the store's own expiry: one clock decides.
    if found is None or utcnow() - found.worked_out_at >= timedelta(seconds=seconds):
        found = Figures(section.build(filters), utcnow())
        cache.set(key, found, timeout=seconds)
    return found
