"""The reports as JSON (``GET /api/v1/reports/{name}``). ``funnel``, ``evaluation`` and
``partners`` have the exact shapes of shared/API.md; rates are fractions (0.19)."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.reports.query import ReportQuerySchema
from app.schema_fields import Text

RATE = {"description": "A fraction (0.19 is 19%); null when there is nothing to divide by"}
COUNT_OR_FEWER = {
    "description": "A count. In a partner's own view a count from 1 to 4 reads "
    '"fewer than 5" (and the rates built on it are null)',
    "oneOf": [{"type": "integer"}, {"type": "string", "enum": ["fewer than 5"]}],
}


def _rate(**extra):
    return fields.Float(allow_none=True, metadata={**RATE, **extra})


class FunnelSchema(Schema):
    referred = fields.Integer()
    eligible = fields.Integer()
    ineligible = fields.Integer()
    ineligible_by_rule = fields.Dict(
        keys=Text(),
        values=fields.Integer(),
        metadata={"description": "Ineligible cases per failed rule (a case may fail several)"},
    )
    allocated = fields.Integer()
    contracts = fields.Integer()
    opted_out = fields.Integer()
    breached = fields.Integer()
    completed = fields.Integer()
    active = fields.Integer()


class EvaluationGroupSchema(Schema):
    cases = fields.Integer()
    checked = fields.Integer(metadata={"description": "Reoffending checks with a result"})
    reoffended = fields.Integer(metadata={"description": "Reoffended within 365 days"})
    rate = _rate(description="reoffended / checked; null when checked is 0")
    ci_low = _rate(description="95% Wilson interval, lower end")
    ci_high = _rate(description="95% Wilson interval, upper end")
    harm_total = fields.Integer(metadata={"description": "Crime harm of the reoffences (days)"})
    harm_mean = fields.Float(
        allow_none=True, metadata={"description": "Mean harm of the reoffences with a score"}
    )


class EvaluationGroupsSchema(Schema):
    completed = fields.Nested(EvaluationGroupSchema)
    opted_out = fields.Nested(EvaluationGroupSchema)
    breached = fields.Nested(EvaluationGroupSchema)


class DifferenceSchema(Schema):
    completed_minus_opted_out = _rate(description="The completers' rate minus the opt-outs'")
    ci_low = _rate(description="95% interval (Newcombe), lower end")
    ci_high = _rate(description="95% interval (Newcombe), upper end")


class EvaluationSchema(Schema):
    groups = fields.Nested(EvaluationGroupsSchema)
    difference = fields.Nested(DifferenceSchema)
    checks_pending = fields.Integer(
        metadata={
            "description": "Checks with no result yet (not yet due, or due and not "
            "recorded): left out of the rates"
        }
    )
    caveat = Text()


class PartnerItemSchema(Schema):
    organisation_id = fields.UUID()
    name = Text()
    sent = fields.Raw(metadata=COUNT_OR_FEWER)
    acknowledged = fields.Raw(metadata=COUNT_OR_FEWER)
    acknowledged_within_sla = fields.Raw(metadata=COUNT_OR_FEWER)
    median_working_days_to_acknowledge = fields.Float(allow_none=True)
    accepted = fields.Raw(metadata=COUNT_OR_FEWER)
    declined = fields.Raw(metadata=COUNT_OR_FEWER)
    acceptance_rate = _rate(description="accepted / (accepted + declined)")
    sessions = fields.Raw(metadata=COUNT_OR_FEWER)
    attended = fields.Raw(metadata=COUNT_OR_FEWER)
    attendance_rate = _rate(description="attended (or late) / sessions that took place")


class PartnersSchema(Schema):
    items = fields.List(fields.Nested(PartnerItemSchema))


class PartnersQuerySchema(ReportQuerySchema):
    organisation_id = fields.UUID(
        load_default=None, metadata={"description": "Only this organisation's row"}
    )


class OutcomesSchema(Schema):
    outcome_24 = fields.Integer()
    outcome_23 = fields.Integer()
    outcome_22 = fields.Integer(
        metadata={"description": "Completions decided before 1 April 2026 (or coded 22)"}
    )
    charge = fields.Integer()
    charged_after_breach = fields.Integer()
    charged_after_opt_out = fields.Integer()
    ended = fields.Integer()
    completed = fields.Integer()
    completion_rate = _rate(description="completed / ended")
    contracts_ended = fields.Integer()
    breached = fields.Integer()
    never_breached_rate = _rate(description="(contracts_ended - breached) / contracts_ended")
    resolutions = fields.Integer()
    outcome_plus_hub_part = fields.Integer()


class DomainSchema(Schema):
    domain = Text()
    people = fields.Integer()
    mean_start = fields.Float(allow_none=True)
    mean_exit = fields.Float(allow_none=True)
    distance_travelled = fields.Float(allow_none=True)
    with_need = fields.Integer()
    improved = fields.Integer()
    improved_rate = _rate()
    worse = fields.Integer()


class ProgressSchema(Schema):
    domains = fields.List(fields.Nested(DomainSchema))
    exits = fields.Integer()
    exits_with_exit_assessment = fields.Integer()
    exits_lacking_exit_assessment = fields.Integer()


class ComplianceSchema(Schema):
    concerns = fields.Integer()
    cases_with_concerns = fields.Integer()
    undecided = fields.Integer()
    decisions = fields.Dict(keys=Text(), values=fields.Integer())
    warnings = fields.Integer()
    variations = fields.Integer()
    breaches = fields.Integer()


class QuestionSchema(Schema):
    question = Text()
    answered = fields.Integer()
    answers = fields.List(
        fields.Integer(), metadata={"description": "How many answered 1, 2, 3, 4 and 5"}
    )
    mean = fields.Float(allow_none=True)
    positive_rate = _rate(description="Share answering 4 or 5")


class SurveySchema(Schema):
    surveys = fields.Integer()
    questions = fields.List(fields.Nested(QuestionSchema))


class VictimsSchema(Schema):
    victims = fields.Integer()
    consulted = fields.Integer()
    want_updates = fields.Integer()
    enhanced_rights = fields.Integer()
    updates_due = fields.Integer()
    updates_on_time = fields.Integer()
    updates_late = fields.Integer()
    updates_overdue = fields.Integer()
    updates_not_yet_due = fields.Integer()
    on_time_rate = _rate()
    survey = fields.Nested(SurveySchema)


class VoiceSchema(Schema):
    ended = fields.Integer()
    response_rate = _rate()
    survey = fields.Nested(SurveySchema)


def evaluation_json(report) -> dict:
    def group(g) -> dict:
        p = g.proportion
        return {
            "cases": g.cases,
            "checked": g.checked,
            "reoffended": g.reoffended,
            "rate": p.rate,
            "ci_low": p.ci_low,
            "ci_high": p.ci_high,
            "harm_total": g.harm_total,
            "harm_mean": g.harm_mean,
        }

    d = report.difference
    return {
        "groups": {g.result: group(g) for g in report.groups},
        "difference": {
            "completed_minus_opted_out": d.difference,
            "ci_low": d.ci_low,
            "ci_high": d.ci_high,
        },
        "checks_pending": report.checks_pending,
        "caveat": report.caveat,
    }
