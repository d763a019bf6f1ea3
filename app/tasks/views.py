"""The "Your tasks" page: every role's home page, listing what needs their action now,
each item linking to the page where it is done."""

from __future__ import annotations

from flask import Blueprint, g, render_template, url_for
from flask_login import current_user

from app import kept
from app.auth.permissions import roles_required
from app.outcomes.services import RESULT_LABELS
from app.search.services import HINTS, SEARCH_ROLES
from app.tasks import navigation, queue
from app.tasks.kinds import TASK_ROLES, kinds_for
from app.tasks.queue import Task
from app.template_helpers import london_datetime, long_date

bp = Blueprint("tasks", __name__, url_prefix="/tasks")
bp.after_app_request(navigation.forget_after_a_change)

# Where the whole list of a kind is, when the page shows only its first items.
FULL_LISTS = {
    "outcome_to_decide": ("outcomes.pending", {}),
    "attendance_to_record": ("evidence.to_record", {}),
    "new_referral": ("referrals.inbox", {"tab": "new"}),
    "acknowledgement_overdue": ("referrals.inbox", {"tab": "new"}),
    "reoffending_check_due": ("outcomes.checks", {}),
    "victim_update_due": ("victims.home", {"show": "due"}),
    "unallocated_case": ("cases.team", {"keyworker": "none"}),
}
MODE_LABELS = {"in_person": "In person", "phone": "Phone", "video": "Video"}


def link_text(task: Task) -> str:
    if task.kind == "organisation_email_failed":
        return task.detail or "An organisation"
    if task.kind in ("notification_failed", "account_locked"):
        return task.detail or "A user"
    return ", ".join(part for part in (task.reference, task.name) if part) or "Open"


def detail_text(task: Task) -> str:
    kind = task.kind
    if kind in ("outcome_to_decide", "outcome_sent_back"):
        return "Proposed outcome: " + RESULT_LABELS.get(task.detail, task.detail or "").lower()
    if kind == "partner_update_unread":
        return f"{task.detail}: a new update or a decline"
    if kind == "acknowledgement_overdue" and task.name is not None:
        return f"Sent to {task.detail}"
    if kind in ("appointment_today", "appointment_this_week", "attendance_to_record"):
        if task.name is None:  # a partner's appointment
            return MODE_LABELS.get(task.detail or "", task.detail or "")
        return task.detail or "One-to-one session"
    if kind == "contract_ending":
        return "Still to do: " + ", ".join(task.still_to_do).lower() if task.still_to_do else ""
    if kind == "consent_expiring":
        return f"Consent to share with {task.detail}"
    if kind in ("notification_failed", "organisation_email_failed"):
        return f"Email: {task.reference}"
    if kind == "victim_consultation_missing":
        return "A victim's views are not recorded yet"
    return task.detail or ""


def when_text(task: Task) -> str:
    if task.kind in ("appointment_today", "appointment_this_week", "attendance_to_record"):
        return london_datetime(task.since)
    if task.due is not None:
        prefix = "Overdue: due " if task.overdue else "Due "
        if task.kind == "contract_ending":
            prefix = "Ended " if task.overdue else "Ends "
        if task.kind == "consent_expiring":
            prefix = "Expires "
        return prefix + long_date(task.due)
    if task.since is not None:
        return "Since " + long_date(task.since)
    return ""


def full_list(key: str) -> str | None:
    found = FULL_LISTS.get(key)
    return url_for(found[0], **found[1]) if found else None


@bp.get("/")
@roles_required(*TASK_ROLES)
def index():
    work = queue.work_queue(current_user)
    g.task_counts = work.counts  # the navigation shows the same counts
    navigation.keep(current_user, work.counts)
    return render_template(
        "tasks/index.html",
        work=work,
        link_text=link_text,
        detail_text=detail_text,
        when_text=when_text,
        full_list=full_list,
        can_search=current_user.role_enum in SEARCH_ROLES,
        hint=HINTS.get(current_user.role_enum),
        kinds=kinds_for(current_user),
        overdue_kept_seconds=kept.counts_seconds(),
    )
