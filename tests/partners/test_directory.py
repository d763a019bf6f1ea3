"""The directory: keyworkers find partners by need, area and capacity; the ISA helper."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.auth.roles import Role
from app.dates import today_in_london
from app.partners import directory as partner_directory
from app.partners import services
from app.partners.directory import DirectoryFilters
from app.partners.services import isa_current, isa_state
from tests import factories
from tests.helpers import sign_in
from tests.partners.support import headers_for, partner, text


@pytest.fixture
def orgs(app):
    """Four organisations, named so that name order is easy to read."""
    return {
        "a": factories.organisation(
            name="A Housing North",
            service_types=["housing", "debt_advice"],
            areas=["North", "Leeds Central"],
            capacity="accepting",
        ),
        "b": factories.organisation(
            name="B Minds South",
            service_types=["mental_health"],
            areas=["South"],
            capacity="waiting_list",
        ),
        "c": factories.organisation(
            name="C Recovery Everywhere",
            service_types=["substance_misuse", "housing"],
            areas=["North", "South"],
            capacity="not_accepting",
        ),
        "d": factories.organisation(
            name="D Closed Housing",
            service_types=["housing"],
            areas=["North"],
            active=False,
        ),
    }


def names(page) -> list[str]:
    return [entry.organisation.name for entry in page.entries]


@pytest.fixture
def keyworker(app):
    return factories.user(Role.KEYWORKER)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (DirectoryFilters(), ["A Housing North", "B Minds South", "C Recovery Everywhere"]),
        (
            DirectoryFilters(service_types=("housing",)),
            ["A Housing North", "C Recovery Everywhere"],
        ),
        (
            DirectoryFilters(service_types=("mental_health", "debt_advice")),
            ["A Housing North", "B Minds South"],
        ),
        (DirectoryFilters(area="south"), ["B Minds South", "C Recovery Everywhere"]),
        (DirectoryFilters(area="  leeds   CENTRAL "), ["A Housing North"]),
        (DirectoryFilters(area="Leeds"), []),  # an area is matched whole, not in part
        (DirectoryFilters(capacities=("waiting_list",)), ["B Minds South"]),
        (
            DirectoryFilters(capacities=("accepting", "waiting_list")),
            ["A Housing North", "B Minds South"],
        ),
        (DirectoryFilters(name="minds"), ["B Minds South"]),
        (DirectoryFilters(name="%"), []),  # wildcards are taken literally
        (
            DirectoryFilters(service_types=("housing",), area="North", capacities=("accepting",)),
            ["A Housing North"],
        ),
    ],
)
def test_directory_filters_combine(orgs, keyworker, filters, expected):
    result = partner_directory.directory(keyworker, filters)
    assert names(result) == expected
    assert result.total == len(expected)


def test_inactive_organisations_are_for_administrators_only(orgs, keyworker):
    admin = factories.user(Role.ADMIN)
    inactive = DirectoryFilters(status="inactive")
    assert names(partner_directory.directory(admin, inactive)) == ["D Closed Housing"]
    assert len(partner_directory.directory(admin, DirectoryFilters(status="all")).entries) == 4
    # Anyone else asking gets the active ones only.
    assert "D Closed Housing" not in names(partner_directory.directory(keyworker, inactive))


def test_victim_liaison_cannot_search_the_directory(orgs):
    from app.errors import Forbidden

    with pytest.raises(Forbidden):
        partner_directory.directory(factories.user(Role.VICTIM_LIAISON))


def test_pages_are_stable_in_name_order(app, keyworker):
    for n in (5, 3, 1, 4, 2):
        factories.organisation(name=f"Org {n}")
    first = partner_directory.directory(keyworker, page=1, per_page=2)
    second = partner_directory.directory(keyworker, page=2, per_page=2)
    third = partner_directory.directory(keyworker, page=3, per_page=2)
    assert names(first) + names(second) + names(third) == [f"Org {n}" for n in range(1, 6)]
    assert first.total == 5


# The information-sharing agreement -----------------------------------------------------------


def test_an_agreement_is_current_up_to_and_including_its_expiry_date(app):
    org = factories.organisation(isa_reference="ISA-1", isa_expires_on=date(2026, 6, 30))
    assert isa_current(org, on=date(2026, 6, 29)) is True
    assert isa_current(org, on=date(2026, 6, 30)) is True  # its last day
    assert isa_current(org, on=date(2026, 7, 1)) is False  # expired: no new referrals
    assert isa_state(org, on=date(2026, 7, 1)) == "expired"
    assert isa_state(org, on=date(2026, 6, 30)) == "expires_soon"
    assert isa_state(org, on=date(2026, 1, 1)) == "current"


def test_without_an_expiry_date_an_organisation_is_not_blocked(app):
    org = factories.organisation()
    assert isa_current(org) is True
    assert isa_state(org) == "not_recorded"


def test_isa_current_defaults_to_today_in_the_uk(app):
    today = today_in_london()
    assert isa_current(factories.organisation(isa_reference="I", isa_expires_on=today))
    yesterday = factories.organisation(isa_reference="J", isa_expires_on=today - timedelta(1))
    assert not isa_current(yesterday)


# The page ----------------------------------------------------------------------------------


def test_keyworker_searches_the_directory_page(client, orgs, keyworker):
    factories.organisation(
        name="E Contactable",
        service_types=["womens_centre"],
        areas=["Central"],
        contact_name="Jo Intro",
        contact_phone="0113 496 0001",
        contact_email="jo@e.example",
        acknowledge_within_days=5,
    )
    sign_in(client, keyworker)
    page = text(client.get("/organisations/directory?service_type=womens_centre"))
    assert "1 organisation" in page
    assert "E Contactable" in page and "A Housing North" not in page
    assert "Jo Intro" in page and "0113 496 0001" in page and "jo@e.example" in page
    assert "5 working days" in page
    assert "Accepting referrals" in page
    # The chosen filter is shown as a tag that removes it.
    assert "Remove this filter" in page and "Women's centre" in page


def test_directory_page_filters_by_area_and_capacity(client, orgs, keyworker):
    sign_in(client, keyworker)
    page = text(client.get("/organisations/directory?area=North&capacity=not_accepting"))
    assert "C Recovery Everywhere" in page
    assert "A Housing North" not in page and "B Minds South" not in page
    assert "Not accepting referrals" in page
    # The area list offers every area an active organisation covers.
    assert '<option value="Leeds Central">' in page


def test_directory_page_warns_when_an_agreement_has_expired(client, keyworker):
    factories.organisation(
        name="Lapsed Org", isa_reference="ISA-9", isa_expires_on=today_in_london() - timedelta(1)
    )
    sign_in(client, keyworker)
    page = text(client.get("/organisations/directory"))
    assert "Expired on" in page
    assert "No new referrals can be sent until it is renewed" in page


def test_directory_page_has_empty_states(client, keyworker):
    sign_in(client, keyworker)
    assert "There are no organisations in the directory yet" in text(
        client.get("/organisations/directory")
    )
    factories.organisation(name="Only One", service_types=["housing"])
    page = text(client.get("/organisations/directory?service_type=debt_advice"))
    assert "No organisations match these filters" in page


def test_unknown_filter_values_are_ignored_not_errors(client, orgs, keyworker):
    sign_in(client, keyworker)
    response = client.get(
        "/organisations/directory?service_type=astrology&capacity=full&page=zz&name=" + "x" * 500
    )
    assert response.status_code == 200


def test_partner_users_see_the_directory_too(client, orgs):
    sign_in(client, partner(orgs["a"]))
    assert "B Minds South" in text(client.get("/organisations/directory"))


def test_directory_page_query_count_does_not_grow(client, keyworker, count_queries):
    sign_in(client, keyworker)
    for n in range(3):
        factories.organisation(name=f"Few {n}")
    with count_queries() as few:
        assert client.get("/organisations/directory").status_code == 200
    for n in range(30):
        factories.organisation(name=f"Many {n}")
    with count_queries() as many:
        assert client.get("/organisations/directory").status_code == 200
    assert many.count == few.count


def test_admin_list_page_query_count_does_not_grow(client, count_queries):
    sign_in(client, factories.user(Role.ADMIN))
    for n in range(3):
        factories.organisation(name=f"Few {n}")
    with count_queries() as few:
        assert client.get("/organisations/").status_code == 200
    for n in range(30):
        factories.organisation(name=f"Many {n}")
    with count_queries() as many:
        assert client.get("/organisations/").status_code == 200
    assert many.count == few.count


def test_admin_list_is_paginated(client):
    sign_in(client, factories.user(Role.ADMIN))
    for n in range(services.PAGE_SIZE + 3):
        factories.organisation(name=f"Org {n:03d}")
    first = text(client.get("/organisations/"))
    assert f"{services.PAGE_SIZE + 3} organisations, showing 1 to {services.PAGE_SIZE}" in first
    assert "Org 052" not in first
    second = text(client.get("/organisations/?page=2"))
    assert "Org 052" in second and "Org 000" not in second


# The API -----------------------------------------------------------------------------------


def test_api_lists_the_directory_with_filters(client, orgs, keyworker):
    headers = headers_for(keyworker)
    body = client.get("/api/v1/organisations", headers=headers).json
    assert body["total"] == 3
    assert [o["name"] for o in body["items"]] == [
        "A Housing North",
        "B Minds South",
        "C Recovery Everywhere",
    ]
    assert body["page"] == 1 and body["per_page"] == 50
    item = body["items"][0]
    assert item["service_types"] == ["housing", "debt_advice"]
    assert item["isa_current"] is True

    filtered = client.get(
        "/api/v1/organisations?service_type=housing&service_type=mental_health"
        "&area=north&capacity=accepting&capacity=not_accepting",
        headers=headers,
    ).json
    assert [o["name"] for o in filtered["items"]] == ["A Housing North", "C Recovery Everywhere"]


def test_api_pages_are_stable(client, keyworker):
    for n in range(5):
        factories.organisation(name=f"Org {n}")
    headers = headers_for(keyworker)
    seen = []
    for page in (1, 2, 3):
        body = client.get(f"/api/v1/organisations?per_page=2&page={page}", headers=headers).json
        assert body["total"] == 5
        seen += [o["name"] for o in body["items"]]
    assert seen == [f"Org {n}" for n in range(5)]


def test_api_updated_since_keeps_recent_changes(client, keyworker):
    from app.database import utcnow

    factories.organisation(name="Old")
    since = utcnow()
    changed = factories.organisation(name="New")
    body = client.get(
        "/api/v1/organisations",
        query_string={"updated_since": since.isoformat()},
        headers=headers_for(keyworker),
    ).json
    assert [o["id"] for o in body["items"]] == [str(changed.id)]


@pytest.mark.parametrize(
    "query",
    [
        "per_page=0",
        "per_page=201",
        "page=0",
        "service_type=astrology",
        "capacity=full",
        "updated_since=yesterday",
    ],
)
def test_api_refuses_bad_list_queries_with_422(client, keyworker, query):
    response = client.get(f"/api/v1/organisations?{query}", headers=headers_for(keyworker))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_api_inactive_organisations_for_administrators_only(client, orgs, keyworker):
    admin_body = client.get(
        "/api/v1/organisations?include_inactive=true", headers=headers_for(factories.user("admin"))
    ).json
    assert admin_body["total"] == 4
    refused = client.get(
        "/api/v1/organisations?include_inactive=true", headers=headers_for(keyworker)
    )
    assert refused.status_code == 403
