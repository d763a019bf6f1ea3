"""The partner directory: organisations filtered by service type, area, capacity and name,
a page at a time; and the lists of organisations the other pages choose from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import exists, func, or_, select

from app.dates import today_in_london
from app.errors import InvalidInput
from app.extensions import db
from app.partners import policy
from app.partners.models import Capacity, Organisation, ServiceType
from app.partners.services import MAX_PER_PAGE, PAGE_SIZE, isa_state

# The directory ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryFilters:
    service_types: tuple[str, ...] = ()  # any of them
    area: str | None = None  # one of its areas, in any case
    capacities: tuple[str, ...] = ()  # any of them
    name: str | None = None  # part of the name, in any case
    status: str = "active"  # active, inactive or all (administrators)
    updated_since: datetime | None = None

    @property
    def any_set(self) -> bool:
        return bool(self.service_types or self.area or self.capacities or self.name)


@dataclass(frozen=True)
class DirectoryEntry:
    organisation: Organisation
    isa_state: str

    @property
    def isa_current(self) -> bool:
        return self.isa_state != "expired"


@dataclass
class DirectoryPage:
    entries: list[DirectoryEntry] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PAGE_SIZE


def _json_array_has(column, value: str, *, ignore_case: bool = False):
    """EXISTS over the elements of a JSON array column (SQLite and PostgreSQL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        elements = func.json_array_elements_text(column).table_valued("value")
    else:
        elements = func.json_each(column).table_valued("value")
    element = elements.c.value
    if ignore_case:
        return exists(select(1).select_from(elements).where(func.lower(element) == value.lower()))
    return exists(select(1).select_from(elements).where(element == value))


def _directory_query(filters: DirectoryFilters):
    errors = {}
    if any(t not in {s.value for s in ServiceType} for t in filters.service_types):
        errors["service_type"] = "Select service types from the list"
    if any(c not in {s.value for s in Capacity} for c in filters.capacities):
        errors["capacity"] = "Select a capacity from the list"
    if filters.status not in {"active", "inactive", "all"}:
        errors["status"] = "Select active, inactive or all"
    if errors:
        raise InvalidInput(errors, "The filters are not valid")
    query = select(Organisation)
    if filters.status != "all":
        query = query.where(Organisation.active.is_(filters.status == "active"))
    if filters.service_types:
        query = query.where(
            or_(*[_json_array_has(Organisation.service_types, t) for t in filters.service_types])
        )
    area = " ".join((filters.area or "").split())
    if area:
        query = query.where(_json_array_has(Organisation.areas, area, ignore_case=True))
    if filters.capacities:
        query = query.where(Organisation.capacity.in_(filters.capacities))
    name = " ".join((filters.name or "").split())
    if name:
        query = query.where(func.lower(Organisation.name).contains(name.lower(), autoescape=True))
    if filters.updated_since is not None:
        query = query.where(Organisation.updated_at >= filters.updated_since)
    return query


def directory(
    actor,
    filters: DirectoryFilters | None = None,
    *,
    page: int = 1,
    per_page: int = PAGE_SIZE,
    on: date | None = None,
) -> DirectoryPage:
    """Organisations matching ``filters``, in name order, one page of them. Only
    administrators may ask for inactive ones; everyone else sees active ones only."""
    policy.require_directory(actor)
    filters = filters or DirectoryFilters()
    if filters.status != "active" and not policy.is_admin(actor):
        filters = replace(filters, status="active")
    if not 1 <= per_page <= MAX_PER_PAGE or page < 1:
        raise InvalidInput({"per_page": f"Choose between 1 and {MAX_PER_PAGE} a page"})
    query = _directory_query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    organisations = db.session.scalars(
        query.order_by(Organisation.name, Organisation.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    on = on or today_in_london()
    return DirectoryPage(
        entries=[DirectoryEntry(o, isa_state(o, on)) for o in organisations],
        total=total,
        page=page,
        per_page=per_page,
    )


def known_areas() -> list[str]:
    """Every area an active organisation covers, for the directory's area filter."""
    areas: dict[str, str] = {}
    for listed in db.session.scalars(select(Organisation.areas).where(Organisation.active)):
        for area in listed or []:
            areas.setdefault(area.casefold(), area)
    return sorted(areas.values(), key=str.casefold)


def active_organisations() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation).where(Organisation.active).order_by(Organisation.name)
        )
    )


def organisation_names(ids) -> dict:
    """Organisation id -> name, active or not, in one query."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(
        db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted))
        ).all()
    )
