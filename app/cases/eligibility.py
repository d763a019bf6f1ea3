"""Who may be offered a deferred prosecution: ONE table of rules (see DOMAIN.md).

Each rule has a code (used in the API and stored on the case), a plain-English message
shown to staff when the rule fails, and a test over the intake facts. ``assess`` runs
every rule and names every one that failed, in the order of the table.

The minimum age is a setting (``MINIMUM_AGE``, default 18): the service reads it and
passes it in, so this module needs no application.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from app.dates import age_on

DEFAULT_MINIMUM_AGE = 18
INDICTABLE_ONLY = "indictable"


@dataclass(frozen=True)
class Facts:
    """What the eligibility rules look at, as recorded at intake."""

    offence_class: str
    offence_committed_on: date
    offence_in_force_area: bool
    date_of_birth: date
    lives_in_force_area: bool
    has_address: bool
    has_email: bool
    has_phone: bool
    accepts_responsibility: bool
    agrees_to_participate: bool
    has_dvpn_or_dvpo: bool
    on_court_order_or_sentence: bool
    on_prison_licence: bool
    on_bail_or_rui_other_offence: bool
    offended_in_last_two_years: bool


@dataclass(frozen=True)
class Rule:
    code: str
    # May name {minimum_age}; use ``text()`` to read it.
    message: str
    passes: Callable[[Facts, int], bool] = field(repr=False, compare=False)

    def text(self, minimum_age: int = DEFAULT_MINIMUM_AGE) -> str:
        return self.message.format(minimum_age=minimum_age)


RULES: tuple[Rule, ...] = (
    Rule(
        "offence_class",
        "The offence is indictable only. Only summary and either-way offences can be "
        "dealt with by deferred prosecution",
        lambda f, _: f.offence_class != INDICTABLE_ONLY,
    ),
    Rule(
        "age",
        "The person was under {minimum_age} on the date of the offence",
        lambda f, minimum_age: age_on(f.date_of_birth, f.offence_committed_on) >= minimum_age,
    ),
    Rule(
        "lives_in_force_area",
        "The person does not live in the force area",
        lambda f, _: f.lives_in_force_area,
    ),
    Rule(
        "offence_in_force_area",
        "The offence was not committed in the force area",
        lambda f, _: f.offence_in_force_area,
    ),
    Rule(
        "accepts_responsibility",
        "The person does not accept responsibility for the offence",
        lambda f, _: f.accepts_responsibility,
    ),
    Rule(
        "agrees_to_participate",
        "The person does not agree to take part in the scheme",
        lambda f, _: f.agrees_to_participate,
    ),
    Rule(
        "means_of_contact",
        "The person has no means of contact: they need a postal address or an email "
        "address, and a phone number",
        lambda f, _: (f.has_address or f.has_email) and f.has_phone,
    ),
    Rule(
        "dvpn_or_dvpo",
        "The person has a current domestic violence protection notice or order (DVPN or DVPO)",
        lambda f, _: not f.has_dvpn_or_dvpo,
    ),
    Rule(
        "court_order_or_sentence",
        "The person is on a current court order or serving a sentence",
        lambda f, _: not f.on_court_order_or_sentence,
    ),
    Rule(
        "prison_licence",
        "The person is on prison licence",
        lambda f, _: not f.on_prison_licence,
    ),
    Rule(
        "bail_or_rui",
        "The person is on police or court bail, or released under investigation, for a "
        "different offence",
        lambda f, _: not f.on_bail_or_rui_other_offence,
    ),
    Rule(
        "offended_in_last_two_years",
        "The person has offended in the last two years",
        lambda f, _: not f.offended_in_last_two_years,
    ),
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


@dataclass(frozen=True)
class Result:
    eligible: bool
    failed: list[Rule]

    @property
    def codes(self) -> list[str]:
        return [rule.code for rule in self.failed]


def assess(facts: Facts, minimum_age: int = DEFAULT_MINIMUM_AGE) -> Result:
    """Run every rule; the result names each one that failed, in table order."""
    failed = [rule for rule in RULES if not rule.passes(facts, minimum_age)]
    return Result(eligible=not failed, failed=failed)


def messages_for(codes: list[str], minimum_age: int = DEFAULT_MINIMUM_AGE) -> list[str]:
    """The plain-English messages for stored rule codes, in table order."""
    wanted = set(codes)
    known = [rule.text(minimum_age) for rule in RULES if rule.code in wanted]
    unknown = [f"Rule {code}" for code in codes if code not in RULES_BY_CODE]
    return known + unknown
