"""The words and limits shared by the victim liaison pages, forms, API and services."""

from __future__ import annotations

from app.cases.models import CaseStatus
from app.victims.models import ContactMethod

TEXT_MAX = 4000
CONSULTABLE = frozenset({CaseStatus.ELIGIBLE, CaseStatus.ALLOCATED, CaseStatus.ACTIVE})
CONTACT_METHODS = [method.value for method in ContactMethod]
FREQUENCIES = {
    "key_decisions": "After each key decision",
    "fortnightly": "Every 2 weeks",
    "monthly": "Every month",
}
SCALE = {
    1: "Very dissatisfied",
    2: "Dissatisfied",
    3: "Neither satisfied nor dissatisfied",
    4: "Satisfied",
    5: "Very satisfied",
}


def frequency_label(value: str | None) -> str:
    if not value:
        return "Not recorded"
    return FREQUENCIES.get(value, value)


def contact_label(value: str | None) -> str:
    if not value:
        return "Not recorded"
    try:
        return ContactMethod(value).label
    except ValueError:
        return value
