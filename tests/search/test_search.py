"""Search, as each role uses it: on the search page and through the API, in their scope
only; names partly, whatever the case or accents; audited when it shows people."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.consent.models import ConsentCategory
from app.extensions import db
from app.referrals.reference import reference
from tests import factories
from tests.referrals import support as referrals
from tests.tasks.support import browser_for, headers_for, text
from tests.victims.support import victim

RESULT = re.compile(r'<li data-testid="result">(.*?)</li>', re.S)
TAGS = re.compile(r"<[^>]+>")


def results(response) -> list[str]:
    """Each result as the words a person reads."""
    assert response.status_code == 200, response.status_code
    return [" ".join(TAGS.sub(" ", row).split()) for row in RESULT.findall(text(response))]


def found_on_page(browser, q: str) -> list[str]:
    return results(browser.get("/search/", query_string={"q": q}))


def api_case_ids(client, user, q: str) -> set[str]:
    response = client.get("/api/v1/cases", query_string={"q": q}, headers=headers_for(user))
    assert response.status_code == 200, response.json
    return {item["id"] for item in response.json["items"]}


@pytest.fixture
def keyworker(app):
    return factories.user(Role.KEYWORKER)


@pytest.fixture
def people(keyworker):
    """The keyworker's cases, named to test the matching, and another keyworker's."""
    return {
        "zoe": factories.case(
            keyworker,
            crime_reference="EX/40001/26",
            person_fields={
                "given_name": "Zoë",
                "family_name": "O’Brien-Núñez",
                "date_of_birth": date(1991, 3, 7),
            },
        ),
        "anne": factories.case(
            keyworker,
            crime_reference="EX/40002/26",
            person_fields={"given_name": "Anne", "family_name": "Smith"},
        ),
        "theirs": factories.case(
            factories.user(Role.KEYWORKER),
            crime_reference="EX/40003/26",
            person_fields={"given_name": "Zoe", "family_name": "Obrien"},
        ),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("zoe", {"zoe"}),
        ("ZOË", {"zoe"}),
        ("obrien", {"zoe"}),
        ("o'brien", {"zoe"}),
        ("nunez", {"zoe"}),
        ("brie", {"zoe"}),
        ("smith anne", {"anne"}),  # every word, in any order
        ("ann smi", {"anne"}),
        ("anne jones", set()),
        ("a smith", {"anne"}),  # a short word starts a word of the name
        ("o n", {"zoe"}),
        ("nn", set()),  # ... and is never the middle of one
        ("07/03/1991", {"zoe"}),
        ("7-3-1991", {"zoe"}),
        ("1991-03-07", {"zoe"}),
        ("7 March 1991", {"zoe"}),
        ("ex/40002", {"anne"}),
        ("40001/26", {"zoe"}),
        ("EX/4000", {"zoe", "anne"}),
        ("100%", set()),  # LIKE's wildcards are text like any other
        ("__", set()),
    ],
)
def test_a_keyworker_finds_their_own_cases(app, client, keyworker, people, q, expected):
    ids = {name: str(case.id) for name, case in people.items()}
    assert api_case_ids(client, keyworker, q) == {ids[name] for name in expected}
    page = found_on_page(browser_for(app, keyworker), q)
    assert sorted(row.split()[0] for row in page) == sorted(
        people[name].crime_reference for name in expected
    )


def test_by_referral_reference(app, client, keyworker):
    case = referrals.active_case(keyworker)
    org = referrals.organisation()
    referrals.consent(case, org)
    db.session.refresh(case)
    referral = referrals.send(case, org, keyworker)
    factories.case(keyworker)
    for q in (reference(referral.id), reference(referral.id).lower(), referral.id.hex[:6]):
        assert api_case_ids(client, keyworker, q) == {str(case.id)}, q


def test_a_result_shows_the_case_and_links_to_it(app, keyworker, people):
    browser = browser_for(app, keyworker)
    response = browser.get("/search/?q=zoe")
    [row] = results(response)
    assert row == "EX/40001/26 Zoë O’Brien-Núñez, born 7 March 1991 Eligible"
    assert f'href="/cases/{people["zoe"].id}"' in text(response)
    assert "1 result for ‘zoe’" in text(response)


def test_a_supervisor_finds_every_case_and_its_keyworker(app, client, people):
    supervisor = factories.user(Role.SUPERVISOR)
    assert api_case_ids(client, supervisor, "zoe") == {
        str(people["zoe"].id),
        str(people["theirs"].id),
    }
    rows = found_on_page(browser_for(app, supervisor), "zoe")
    assert len(rows) == 2 and all("Keyworker: Test Keyworker" in row for row in rows)


def test_text_that_cannot_be_searched_for_is_refused(app, client, keyworker):
    response = browser_for(app, keyworker).get("/search/?q=+a+")
    assert response.status_code == 400
    page = text(response)
    assert "Enter at least 2 characters to search for" in page
    assert '<a href="#search-q">' in page
    assert page.count("<title>Error: ") == 1
    api = client.get("/api/v1/cases?q=a", headers=headers_for(keyworker))
    assert api.status_code == 422
    too_long = client.get(
        "/api/v1/cases", query_string={"q": "x" * 101}, headers=headers_for(keyworker)
    )
    assert too_long.status_code == 422


def test_the_search_page_before_searching(app, keyworker):
    page = text(browser_for(app, keyworker).get("/search/"))
    assert "Name, date of birth, crime reference or referral reference" in page
    assert 'data-testid="results"' not in page


# Audit ---------------------------------------------------------------------------------


def _searched(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)))


def test_a_search_that_shows_people_is_audited_without_the_text(app, client, keyworker, people):
    browser = browser_for(app, keyworker)
    browser.get("/search/?q=nobody-at-all")
    assert _searched("case.searched") == []
    browser.get("/search/?q=zoe")
    [entry] = _searched("case.searched")
    assert entry.actor_id == keyworker.id
    assert entry.details["ids"] == [str(people["zoe"].id)]
    assert "zoe" not in str(entry.details).lower()
    api_case_ids(client, keyworker, "smith")
    listed = _searched("case.listed")
    assert listed[-1].details["purpose"] == "api_case_search"


# Partners ------------------------------------------------------------------------------


@pytest.fixture
def partner_world(app):
    """Three referrals to one organisation: the person's contact details shared; not
    shared (health only); shared, then the consent withdrawn. And one to another."""
    org = referrals.organisation()
    partner = referrals.partner(org)
    keyworker = factories.user(Role.KEYWORKER)
    made = {}
    for key, categories in (
        ("shared", [ConsentCategory.CONTACT_DETAILS, ConsentCategory.HOUSING]),
        ("not_shared", [ConsentCategory.HOUSING]),
        ("withdrawn", [ConsentCategory.CONTACT_DETAILS, ConsentCategory.HOUSING]),
    ):
        case = referrals.active_case(keyworker)
        case.person.family_name = "Kowalska"
        db.session.commit()
        consent = referrals.consent(case, org, categories=[c.value for c in categories])
        db.session.refresh(case)
        made[key] = referrals.send(case, org, keyworker, categories=["housing"])
        if key == "withdrawn":
            referrals.withdraw(consent, keyworker)
    elsewhere = referrals.organisation()
    case = referrals.active_case(keyworker)
    referrals.consent(case, elsewhere)
    db.session.refresh(case)
    made["elsewhere"] = referrals.send(case, elsewhere, keyworker)
    return partner, made


def test_a_partner_finds_by_name_only_where_contact_details_are_shared(app, client, partner_world):
    partner, made = partner_world
    rows = found_on_page(browser_for(app, partner), "kowal")
    assert rows == [
        f"{reference(made['shared'].id)} Jordan Kowalska Help to find settled accommodation · Sent"
    ]
    response = client.get("/api/v1/referrals?q=KOWALSKA", headers=headers_for(partner))
    assert [item["id"] for item in response.json["items"]] == [str(made["shared"].id)]
    assert "Kowalska" not in response.get_data(as_text=True)  # the API's summaries name nobody


def test_a_partner_finds_by_reference_and_sees_a_name_only_if_shared(app, client, partner_world):
    partner, made = partner_world
    browser = browser_for(app, partner)
    [row] = found_on_page(browser, reference(made["not_shared"].id))
    assert "Name not shared with you" in row and "Kowalska" not in row
    [row] = found_on_page(browser, reference(made["shared"].id))
    assert "Jordan Kowalska" in row
    assert found_on_page(browser, reference(made["elsewhere"].id)) == []
    response = client.get(
        "/api/v1/referrals",
        query_string={"q": reference(made["elsewhere"].id)},
        headers=headers_for(partner),
    )
    assert response.json["items"] == []
    assert [e.details["ids"] for e in _searched("referral.searched")] == [
        [str(made["not_shared"].id)],
        [str(made["shared"].id)],
    ]


# Victim liaison -----------------------------------------------------------------------------


def test_victim_liaison_staff_search_crime_references_of_cases_with_victims(app, client):
    liaison = factories.user(Role.VICTIM_LIAISON)
    with_victim = factories.case(crime_reference="EX/50001/26", person_fields={"family_name": "Ng"})
    victim(with_victim)
    factories.case(crime_reference="EX/50002/26")  # no victim
    browser = browser_for(app, liaison)
    response = browser.get("/search/?q=ex/5000")
    assert results(response) == ["EX/50001/26 Being considered"]
    assert f'href="/victims/cases/{with_victim.id}"' in text(response)
    assert "Ng" not in " ".join(results(response))
    assert found_on_page(browser, "Ng") == []  # names are not searched
    assert api_case_ids(client, liaison, "EX/5000") == {str(with_victim.id)}
    assert api_case_ids(client, liaison, "Ng") == set()
    assert _searched("case.searched") == []  # crime references only: no person shown


# Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.KEYWORKER, Role.SUPERVISOR, Role.PARTNER, Role.VICTIM_LIAISON]
)
def test_the_query_count_stays_flat_as_results_grow(app, count_queries, role):
    org = referrals.organisation()
    user = factories.user(role) if role != Role.PARTNER else referrals.partner(org)
    keyworker = user if role == Role.KEYWORKER else factories.user(Role.KEYWORKER)

    def add(n: int):
        for _ in range(n):
            case = referrals.active_case(keyworker)
            case.crime_reference = f"QC/{case.crime_reference}"
            db.session.commit()
            victim(case)
            referrals.consent(case, org)
            db.session.refresh(case)
            referrals.send(case, org, keyworker)

    q = "QC/" if role == Role.VICTIM_LIAISON else "Jordan"
    browser = browser_for(app, user)
    add(2)
    browser.get("/search/", query_string={"q": q})
    with count_queries() as few:
        assert len(results(browser.get("/search/", query_string={"q": q}))) == 2
    add(5)
    with count_queries() as many:
        assert len(results(browser.get("/search/", query_string={"q": q}))) == 7
    assert many.count == few.count


def test_a_name_changed_later_is_found_by_its_new_name(client, keyworker):
    case = factories.case(keyworker, person_fields={"given_name": "Lee", "family_name": "Brown"})
    case.person.family_name = "Żółć"
    db.session.commit()
    assert api_case_ids(client, keyworker, "zolc") == {str(case.id)}
    assert api_case_ids(client, keyworker, "brown") == set()


@pytest.mark.parametrize(
    ("role", "hint"),
    [
        (Role.KEYWORKER, "Name, date of birth, crime reference or referral reference"),
        (Role.PARTNER, "Referral reference, or the person's name"),
        (Role.VICTIM_LIAISON, "Crime reference"),
        (Role.ADMIN, None),
    ],
)
def test_the_tasks_page_has_the_search_box_for_those_who_search(app, role, hint):
    page = text(browser_for(app, factories.user(role)).get("/tasks/"))
    if hint is None:
        assert 'data-testid="search-form"' not in page
    else:
        assert 'data-testid="search-form"' in page
        assert f'<div class="govuk-hint" id="search-q-hint">{hint}</div>' in page
