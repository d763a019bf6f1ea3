"""The eligibility rule table, rule by rule (DOMAIN.md: who may be offered the scheme)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.cases.eligibility import RULES, RULES_BY_CODE, Facts, assess, messages_for

OFFENCE_DAY = date(2026, 1, 15)

ELIGIBLE = Facts(
    offence_class="summary",
    offence_committed_on=OFFENCE_DAY,
    offence_in_force_area=True,
    date_of_birth=date(1990, 5, 17),
    lives_in_force_area=True,
    has_address=True,
    has_email=True,
    has_phone=True,
    accepts_responsibility=True,
    agrees_to_participate=True,
    has_dvpn_or_dvpo=False,
    on_court_order_or_sentence=False,
    on_prison_licence=False,
    on_bail_or_rui_other_offence=False,
    offended_in_last_two_years=False,
)

# Each rule, and one change to the eligible facts that breaks it and nothing else.
BREAKS_ONE_RULE = {
    "offence_class": {"offence_class": "indictable"},
    "age": {"date_of_birth": date(2010, 1, 1)},
    "lives_in_force_area": {"lives_in_force_area": False},
    "offence_in_force_area": {"offence_in_force_area": False},
    "accepts_responsibility": {"accepts_responsibility": False},
    "agrees_to_participate": {"agrees_to_participate": False},
    "means_of_contact": {"has_phone": False},
    "dvpn_or_dvpo": {"has_dvpn_or_dvpo": True},
    "court_order_or_sentence": {"on_court_order_or_sentence": True},
    "prison_licence": {"on_prison_licence": True},
    "bail_or_rui": {"on_bail_or_rui_other_offence": True},
    "offended_in_last_two_years": {"offended_in_last_two_years": True},
}


def test_the_table_holds_every_rule_once_in_its_order():
    assert [rule.code for rule in RULES] == list(BREAKS_ONE_RULE)
    assert len(RULES_BY_CODE) == len(RULES)
    assert all(rule.message and not rule.message.endswith(".") for rule in RULES)


def test_the_eligible_facts_pass_every_rule():
    result = assess(ELIGIBLE)
    assert result.eligible
    assert result.failed == []


@pytest.mark.parametrize(("code", "change"), BREAKS_ONE_RULE.items(), ids=list(BREAKS_ONE_RULE))
def test_each_rule_failing_alone_is_named_alone(code, change):
    result = assess(replace(ELIGIBLE, **change))
    assert not result.eligible
    assert result.codes == [code]
    assert result.failed == [RULES_BY_CODE[code]]


def test_several_failures_are_all_named_in_table_order():
    facts = replace(
        ELIGIBLE,
        offended_in_last_two_years=True,
        offence_class="indictable",
        has_phone=False,
        has_dvpn_or_dvpo=True,
        date_of_birth=date(2012, 3, 3),
    )
    assert assess(facts).codes == [
        "offence_class",
        "age",
        "means_of_contact",
        "dvpn_or_dvpo",
        "offended_in_last_two_years",
    ]


def test_every_rule_can_fail_at_once():
    facts = ELIGIBLE
    for change in BREAKS_ONE_RULE.values():
        facts = replace(facts, **change)
    assert assess(facts).codes == list(BREAKS_ONE_RULE)


@pytest.mark.parametrize("offence_class", ["summary", "either_way"])
def test_summary_and_either_way_offences_are_accepted(offence_class):
    assert assess(replace(ELIGIBLE, offence_class=offence_class)).eligible


def test_indictable_only_offences_are_refused_with_a_plain_message():
    result = assess(replace(ELIGIBLE, offence_class="indictable"))
    assert result.codes == ["offence_class"]
    assert "indictable only" in result.failed[0].text()


@pytest.mark.parametrize(
    ("born", "eligible"),
    [
        (date(2008, 1, 15), True),  # 18th birthday on the offence date
        (date(2008, 1, 16), False),  # 18 the day after the offence
        (date(2008, 1, 14), True),
        (date(1940, 1, 1), True),
    ],
)
def test_age_is_counted_on_the_offence_date(born, eligible):
    result = assess(replace(ELIGIBLE, date_of_birth=born))
    assert result.eligible is eligible
    assert result.codes == ([] if eligible else ["age"])


@pytest.mark.parametrize(
    ("offence_day", "eligible"),
    [
        (date(2026, 2, 28), False),  # 2026 has no 29 February: the birthday is 1 March
        (date(2026, 3, 1), True),
    ],
)
def test_a_29_february_birthday_in_a_year_without_one(offence_day, eligible):
    facts = replace(ELIGIBLE, date_of_birth=date(2008, 2, 29), offence_committed_on=offence_day)
    assert assess(facts).eligible is eligible


@pytest.mark.parametrize(
    ("offence_day", "eligible"),
    [
        (date(2028, 2, 28), False),
        (date(2028, 2, 29), True),  # a leap year: the birthday is 29 February itself
    ],
)
def test_a_29_february_birthday_in_a_leap_year(offence_day, eligible):
    # Nobody born on 29 February turns 18 in a leap year; with the age set to 20 they do.
    facts = replace(ELIGIBLE, date_of_birth=date(2008, 2, 29), offence_committed_on=offence_day)
    assert assess(facts, minimum_age=20).eligible is eligible


def test_the_minimum_age_is_a_setting():
    seventeen = replace(ELIGIBLE, date_of_birth=date(2008, 6, 1))
    assert assess(seventeen).codes == ["age"]
    assert assess(seventeen, minimum_age=17).eligible
    assert assess(ELIGIBLE, minimum_age=40).codes == ["age"]
    assert RULES_BY_CODE["age"].text(21) == "The person was under 21 on the date of the offence"


@pytest.mark.parametrize(
    ("address", "email", "phone", "eligible"),
    [
        (True, True, True, True),
        (True, False, True, True),
        (False, True, True, True),
        (False, False, True, False),  # a phone alone is not enough
        (True, True, False, False),  # a phone is always needed
        (True, False, False, False),
        (False, True, False, False),
        (False, False, False, False),
    ],
)
def test_means_of_contact_is_an_address_or_an_email_and_a_phone(address, email, phone, eligible):
    facts = replace(ELIGIBLE, has_address=address, has_email=email, has_phone=phone)
    result = assess(facts)
    assert result.eligible is eligible
    assert result.codes == ([] if eligible else ["means_of_contact"])


def test_messages_for_stored_codes_follow_the_table_order():
    assert messages_for(["dvpn_or_dvpo", "age"], 18) == [
        "The person was under 18 on the date of the offence",
        RULES_BY_CODE["dvpn_or_dvpo"].message,
    ]
