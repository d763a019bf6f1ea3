"""The work queue's statements, built once and run with each caller's values.

Building one of the queue's statements (a dozen clauses, each a query over several
tables) costs more than running it: the navigation's counts for a keyworker took about
7 ms to build and 1.4 ms to run on the demo data, on every page. So each statement is
built once, over stand-ins whose values are bind parameters (``StandIn`` for the user,
``rules.MomentParameters`` for the time), and each request binds its own values
(``values_for``). The clauses are the ones the queue has always used, from the features'
own policies and rules, so a statement built here cannot disagree with one built afresh;
``tests/tasks/test_prepared.py`` checks that they give the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import bindparam

from app.tasks.rules import Moment, MomentParameters


@dataclass(frozen=True)
class StandIn:
    """A user as the scopes read one (``case_scope``, ``referral_scope``,
    ``victim_scope``): the role, and whether the user has an organisation, shape the
    statement; the ids are bind parameters."""

    role: str
    has_organisation: bool

    @property
    def id(self):
        return bindparam("user_id")

    @property
    def organisation_id(self):
        return bindparam("organisation_id") if self.has_organisation else None


def stand_in_for(user) -> StandIn:
    return StandIn(str(user.role), user.organisation_id is not None)


@cache
def moment_parameters() -> MomentParameters:
    return MomentParameters()


def values_for(user, moment: Moment) -> dict[str, object]:
    """The bind parameters' values for ``user`` at ``moment``."""
    values = moment.values()
    if user is not None:
        values["user_id"] = user.id
        values["organisation_id"] = user.organisation_id
    return values
