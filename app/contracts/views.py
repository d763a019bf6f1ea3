"""Contract pages: agree the contract, add and vary conditions."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import blueprint_roles
from app.auth.roles import Role
from app.cases.models import CaseStatus
from app.cases.services import view_case
from app.contracts import progress, services, variations
from app.contracts.forms import TYPE_HINTS, ConditionForm, ContractForm, VaryConditionForm
from app.contracts.models import AgreementMethod, ConditionType
from app.dates import today_in_london
from app.errors import Conflict, InvalidInput
from app.text import long_date

bp = Blueprint("contracts", __name__)
blueprint_roles(bp, Role.KEYWORKER, Role.SUPERVISOR)

CONDITION_TYPE_TAGS = {
    ConditionType.RESTORATIVE.value: "govuk-tag--purple",
    ConditionType.REHABILITATIVE.value: "govuk-tag--blue",
    ConditionType.REPARATIVE.value: "govuk-tag--yellow",
    ConditionType.RESTRICTIVE.value: "govuk-tag--orange",
}


def _to_contract(case_id: uuid.UUID, message: str | None = None):
    if message:
        flash(message, "info")
    return redirect(url_for("contracts.show", case_id=case_id))


def _render_form(template: str, form, status_ok: int = 200, **context):
    context.setdefault("type_hints", [TYPE_HINTS[t] for t in ConditionType])
    return render_template(template, form=form, **context), 400 if form.errors else status_ok


@bp.get("/cases/<uuid:case_id>/contract")
def show(case_id: uuid.UUID):
    case = view_case(current_user, case_id, purpose="contract_page")
    contract = case.contract
    rows, names, timing = [], {}, None
    if contract is not None:
        rows = progress.condition_rows(contract)
        timing = progress.contract_timing(contract)
        names = progress.names_of(
            [contract.created_by_id] + [c.created_by_id for c in contract.conditions]
        )
    return render_template(
        "contracts/show.html",
        case=case,
        contract=contract,
        rows=rows,
        timing=timing,
        names=names,
        method_label=AgreementMethod(contract.agreement_method).label if contract else None,
        can_agree=services.can_take_a_contract(case),
        can_change=services.conditions_can_change(case),
        ineligible=case.status == CaseStatus.INELIGIBLE.value,
        condition_type_tags=CONDITION_TYPE_TAGS,
    )


@bp.route("/cases/<uuid:case_id>/contract/new", methods=["GET", "POST"])
def new(case_id: uuid.UUID):
    case = view_case(current_user, case_id, purpose="contract_form")
    if case.contract is not None:
        return _to_contract(case_id, "This case already has a contract")
    if not services.can_take_a_contract(case):
        return _to_contract(
            case_id, "Only an eligible or allocated case can have a contract agreed"
        )
    form = ContractForm()
    if request.method == "GET":
        form.agreed_on.data = today_in_london()
    valid = form.validate_on_submit()
    if form.is_submitted() and not valid:  # the service's checks show with the form's own
        form.add_service_errors(
            services.check_contract(
                case,
                form.start_date.data,
                form.agreed_on.data,
                form.agreement_method.data,
                [form.condition_values()],
            )
        )
    if valid:
        try:
            contract = services.agree_contract(
                current_user,
                case_id,
                form.start_date.data,
                form.agreed_on.data,
                form.agreement_method.data,
                conditions=[form.condition_values()],
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:
            return _to_contract(case_id, conflict.message)
        else:
            flash(
                "Contract agreed. It runs for 16 weeks, from "
                f"{long_date(contract.start_date)} to "
                f"{long_date(contract.end_date)}",
                "success",
            )
            return redirect(url_for("contracts.show", case_id=case_id))
    return _render_form("contracts/new.html", form, case=case)


@bp.route("/cases/<uuid:case_id>/contract/conditions/new", methods=["GET", "POST"])
def add_condition(case_id: uuid.UUID):
    case = view_case(current_user, case_id, purpose="condition_form")
    contract = case.contract
    if not services.conditions_can_change(case):
        return _to_contract(case_id, "Conditions can only be added to an active contract")
    form = ConditionForm()
    valid = form.validate_on_submit()
    if form.is_submitted() and not valid:  # the service's checks show with the form's own
        problems = services.check_condition(contract, form.condition_values())
        form.add_service_errors(problems)
    if valid:
        try:
            services.add_condition(current_user, case_id, **form.condition_values())
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:
            return _to_contract(case_id, conflict.message)
        else:
            flash("Condition added to the contract", "success")
            return redirect(url_for("contracts.show", case_id=case_id))
    return _render_form(
        "contracts/add_condition.html",
        form,
        case=case,
        contract=contract,
        period=(long_date(contract.start_date), long_date(contract.end_date)),
    )


@bp.route("/conditions/<uuid:condition_id>/vary", methods=["GET", "POST"])
def vary_condition(condition_id: uuid.UUID):
    condition, case = variations.get_condition_for(current_user, condition_id)
    case = view_case(current_user, case.id, purpose="condition_variation_form")
    if condition.superseded_at is not None:
        return _to_contract(
            case.id, "That condition has been varied since. Vary its current version"
        )
    if not services.conditions_can_change(case):
        return _to_contract(case.id, "Conditions can only be varied while the contract is active")
    form = VaryConditionForm()
    if request.method == "GET":
        form.fill_from(condition)
    valid = form.validate_on_submit()
    if form.is_submitted() and not valid:  # the service's checks show with the form's own
        problems = services.check_condition(condition.contract, form.condition_values())
        form.add_service_errors(problems)
    if valid:
        try:
            successor = variations.vary_condition(
                current_user, condition_id, form.reason.data, form.condition_values()
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:
            return _to_contract(case.id, conflict.message)
        else:
            flash(f"Condition varied. The new version is revision {successor.revision}", "success")
            return redirect(url_for("contracts.show", case_id=case.id))
    contract = condition.contract
    return _render_form(
        "contracts/vary_condition.html",
        form,
        case=case,
        condition=condition,
        period=(long_date(contract.start_date), long_date(contract.end_date)),
    )
