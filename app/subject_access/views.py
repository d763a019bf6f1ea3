"""Subject access pages: a print view and a JSON download, for the person on a case
(supervisors) and for a victim (supervisors and victim liaison officers)."""

from __future__ import annotations

import uuid

from flask import Blueprint, jsonify, render_template, url_for
from flask_login import current_user

from app.auth.permissions import blueprint_roles, roles_required
from app.auth.roles import Role
from app.subject_access import services
from app.subject_access.records import SubjectRecord, display
from app.subject_access.services import Format

bp = Blueprint("subject_access", __name__)
blueprint_roles(bp, Role.SUPERVISOR, Role.VICTIM_LIAISON)
bp.add_app_template_filter(display, "sar_value")


def _download(result: SubjectRecord, name: str):
    response = jsonify(result.as_json())
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@bp.get("/cases/<uuid:case_id>/subject-access")
@roles_required(Role.SUPERVISOR)
def person(case_id: uuid.UUID):
    result = services.person_record(current_user, case_id, Format.HTML)
    json_url = url_for("subject_access.person_json", case_id=case_id)
    return render_template("subject_access/record.html", record=result, json_url=json_url)


@bp.get("/cases/<uuid:case_id>/subject-access.json")
@roles_required(Role.SUPERVISOR)
def person_json(case_id: uuid.UUID):
    result = services.person_record(current_user, case_id, Format.JSON)
    return _download(result, f"subject-access-{result.subject_id}")


@bp.get("/victims/<uuid:victim_id>/subject-access")
def victim(victim_id: uuid.UUID):
    result = services.victim_record(current_user, victim_id, Format.HTML)
    json_url = url_for("subject_access.victim_json", victim_id=victim_id)
    return render_template("subject_access/record.html", record=result, json_url=json_url)


@bp.get("/victims/<uuid:victim_id>/subject-access.json")
def victim_json(victim_id: uuid.UUID):
    result = services.victim_record(current_user, victim_id, Format.JSON)
    return _download(result, f"subject-access-victim-{result.subject_id}")
