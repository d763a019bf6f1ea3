"""What a referral shares: a snapshot, taken at sending, of the shared categories only.

The snapshot holds, per shared category, exactly the content below and nothing else:

- ``contact_details``: the person's name, address, postcode, phone and email;
- ``offence_summary``: the offence description, its class and the date it was committed;
- ``needs_summary``: the initial needs assessment's level in each domain, without notes,
  and without the mental health, drugs and alcohol domains (those are special category
  data, shared only under ``health`` and ``substance_use``);
- ``health``: the mental health and emotional wellbeing level and notes;
- ``substance_use``: the drugs and the alcohol levels and notes;
- ``housing``: the accommodation level and notes;
- ``finances``: the finance and debt level and notes.

**What identifies the person when contact details are not shared:** nothing. The partner
sees the referral reference (derived from its id), the need and message the keyworker
wrote, and the keyworker's name and email; even the first name is withheld, and the
partner must contact the keyworker, who makes the warm introduction. The referral form
warns the keyworker not to put names or contact details in the need or the message.

The snapshot is stored with the referral and never refreshed, so the partner sees what
was shared when it was sent. It is shown to the partner only while a consent in force
still covers each category (``app.consent.rules``): see ``presenters.partner_view``.
"""

from __future__ import annotations

from sqlalchemy import select

from app.assessments.models import AssessmentStage, NeedDomain, NeedsAssessment
from app.cases.models import Case
from app.consent.models import ConsentCategory
from app.dates import today_in_london
from app.extensions import db

# The need domains each health-like category shares, with their notes.
DOMAINS_BY_CATEGORY: dict[str, tuple[NeedDomain, ...]] = {
    ConsentCategory.HEALTH.value: (NeedDomain.MENTAL_HEALTH_WELLBEING,),
    ConsentCategory.SUBSTANCE_USE.value: (NeedDomain.DRUGS, NeedDomain.ALCOHOL),
    ConsentCategory.HOUSING.value: (NeedDomain.ACCOMMODATION,),
    ConsentCategory.FINANCES.value: (NeedDomain.FINANCE_DEBT,),
}
# Never part of the needs summary: shared only under their own categories.
NOT_IN_NEEDS_SUMMARY = frozenset(
    {NeedDomain.MENTAL_HEALTH_WELLBEING, NeedDomain.DRUGS, NeedDomain.ALCOHOL}
)
ASSESSMENT_CATEGORIES = frozenset(DOMAINS_BY_CATEGORY) | {ConsentCategory.NEEDS_SUMMARY.value}


def ordered(categories) -> list[str]:
    """Known categories, without repeats, in the vocabulary's order."""
    wanted = set(categories)
    return [c.value for c in ConsentCategory if c.value in wanted]


def take_snapshot(case: Case, categories) -> dict:
    """The content of ``categories`` for ``case``, now. Reads only what it shares."""
    wanted = ordered(categories)
    assessment = None
    if ASSESSMENT_CATEGORIES & set(wanted):
        assessment = db.session.scalar(
            select(NeedsAssessment).where(
                NeedsAssessment.case_id == case.id,
                NeedsAssessment.stage == AssessmentStage.INITIAL.value,
            )
        )
    snapshot: dict = {}
    for category in wanted:
        if category == ConsentCategory.CONTACT_DETAILS.value:
            person = case.person
            snapshot[category] = {
                "name": person.full_name,
                "address": person.address,
                "postcode": person.postcode,
                "phone": person.phone,
                "email": person.email,
            }
        elif category == ConsentCategory.OFFENCE_SUMMARY.value:
            snapshot[category] = {
                "description": case.offence_description,
                "offence_class": case.offence_class,
                "committed_on": case.offence_committed_on.isoformat(),
            }
        elif category == ConsentCategory.NEEDS_SUMMARY.value:
            domains = [d for d in NeedDomain if d not in NOT_IN_NEEDS_SUMMARY]
            snapshot[category] = _assessed(assessment, domains, with_notes=False)
        else:
            snapshot[category] = _assessed(
                assessment, DOMAINS_BY_CATEGORY[category], with_notes=True
            )
    return snapshot


def _assessed(assessment: NeedsAssessment | None, domains, *, with_notes: bool) -> dict:
    if assessment is None:
        return {"assessed_on": None, "domains": []}
    scores = {score.domain: score for score in assessment.scores}
    rows = []
    for domain in domains:
        score = scores.get(domain.value)
        if score is None:
            continue
        row = {"domain": domain.value, "level": score.level}
        if with_notes:
            row["notes"] = score.notes
        rows.append(row)
    return {"assessed_on": today_in_london(assessment.assessed_at).isoformat(), "domains": rows}
