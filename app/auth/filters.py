"""The list filters a role does not need, in one place: asking for one is refused.

A filter can tell a caller more than the list it narrows: a victim liaison user who may
see which cases have victims (id, crime reference and status only) would learn, by
filtering those cases by ``keyworker_id``, who holds which case. Each list names, per
role, the query parameters that role may not send; the check runs before the list's own
code (``refuse_denied_filters``, registered by init_api after the authentication hook),
answers 422 naming each refused parameter, and the OpenAPI document says so on the
parameter (app.api.docs). A role not named here may use every filter its list documents.
"""

from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_smorest import abort

from app.auth.roles import Role

# endpoint -> role -> the query parameters that role may not send.
DENIED_FILTERS: dict[str, dict[Role, frozenset[str]]] = {
    "api_cases.list_cases": {Role.VICTIM_LIAISON: frozenset({"keyworker_id"})},
    "api_referrals.list_referrals": {Role.PARTNER: frozenset({"case_id"})},
}


def denied_filters(endpoint: str | None, role: str | None) -> frozenset[str]:
    by_role = DENIED_FILTERS.get(endpoint or "", {})
    return next((names for r, names in by_role.items() if r.value == role), frozenset())


def refuse_denied_filters() -> None:
    if not current_user or not current_user.is_authenticated:
        return
    denied = denied_filters(request.endpoint, current_user.role)
    sent = sorted(denied & set(request.args))
    if sent:
        abort(
            422,
            message="Your role cannot filter this list by " + ", ".join(sent) + ".",
            errors={name: [f"Your role cannot filter this list by {name}"] for name in sent},
        )
