"""GET /tasks: the caller's work queue, built by the same code as the "Your tasks" page."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.tasks import queue
from app.tasks.kinds import TASK_ROLES
from app.tasks.schemas import TaskListSchema, TaskQuerySchema

blp = Blueprint("api_tasks", __name__, url_prefix="/tasks", description="Your tasks")


@blp.route("", methods=["GET"])
@roles_required(*TASK_ROLES)
@blp.arguments(TaskQuerySchema, location="query")
@blp.response(200, TaskListSchema)
def list_tasks(query):
    """What needs the caller's action now: `{items, counts}`, each item `{kind,
    object_type, object_id, case_id?, due?, overdue}`.

    The kinds depend on the role. A keyworker: `concern_to_decide`, `outcome_sent_back`,
    `partner_update_unread`, `acknowledgement_overdue`, `attendance_to_record`,
    `contract_ending`, `consent_expiring`, `victim_consultation_missing`,
    `appointment_today`, `appointment_this_week`. A supervisor: `outcome_to_decide`,
    `unallocated_case`, and `overdue_by_keyworker`. A partner: `new_referral`,
    `acknowledgement_overdue`, `attendance_to_record`, `appointment_today`. Victim
    liaison: `victim_update_due`, `victim_consultation_missing`. An administrator:
    `reoffending_check_due`, `notification_failed`, `organisation_email_failed`,
    `account_locked`.
    """
    work = queue.work_queue(
        current_user, per_kind=query["per_kind"], only=query["kind"], purpose="api_tasks"
    )
    body = {
        "items": [task for section in work.sections for task in section.tasks],
        "counts": (queue.counts(current_user) if query["kind"] else work.counts),
    }
    if current_user.role == Role.SUPERVISOR.value:
        body["overdue_by_keyworker"] = (
            work.overdue_by_keyworker if query["kind"] is None else queue.overdue_by_keyworker()
        )
    return body
