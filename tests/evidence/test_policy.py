"""Who sees and records which appointments and compliance concerns (app.evidence.policy),
asked of the policy directly: a single read and a list agree, out of scope is not found,
and the side that runs an appointment is the only one that records it."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.errors import Forbidden, NotFound
from app.evidence import lists, policy, services
from app.evidence.models import Appointment
from app.extensions import db
from app.referrals.models import ReferralStatus
from tests import factories
from tests.evidence.support import past
from tests.helpers import sign_in
from tests.referrals.support import set_status

WHO = ["partner", "other_partner", "keyworker", "other_keyworker", "supervisor", "admin"]
# Who sees the partner's appointment and the keyworker's one-to-one on the world's case.
SEES = {
    "partner": {"booked"},
    "other_partner": set(),
    "keyworker": {"booked", "one_to_one"},
    "other_keyworker": set(),
    "supervisor": {"booked", "one_to_one"},
    "admin": set(),
}


@pytest.fixture
def scene(app, world, other):
    booked = world.book(starts_at=past(days=2))
    one_to_one = services.record_one_to_one(
        world.keyworker, world.case.id, starts_at=past(days=1), mode="phone"
    )
    people = {
        "partner": world.partner,
        "other_partner": other.partner,
        "keyworker": world.keyworker,
        "other_keyworker": other.keyworker,
        "supervisor": factories.user(Role.SUPERVISOR),
        "admin": factories.user(Role.ADMIN),
    }
    return people, {"booked": booked.id, "one_to_one": one_to_one.id}


def _readable(user, ids: dict) -> set[str]:
    found = set()
    for name, appointment_id in ids.items():
        try:
            policy.get_appointment_for(user, appointment_id)
        except NotFound:
            continue
        found.add(name)
    return found


@pytest.mark.parametrize("who", WHO)
def test_a_single_read_and_the_scope_agree(scene, who):
    people, ids = scene
    user = people[who]
    listed = set(
        db.session.scalars(
            select(Appointment.id).where(
                Appointment.id.in_(ids.values()), policy.appointment_scope(user)
            )
        )
    )

    assert _readable(user, ids) == SEES[who]
    assert listed == {ids[name] for name in SEES[who]}


def test_a_missing_appointment_is_not_found(scene):
    people, _ = scene
    with pytest.raises(NotFound):
        policy.get_appointment_for(people["supervisor"], uuid.uuid4())


def test_only_the_side_that_runs_an_appointment_records_it(scene):
    people, ids = scene
    booked, one_to_one = (db.session.get(Appointment, ids[n]) for n in ("booked", "one_to_one"))

    policy.check_recorder(people["partner"], booked)
    policy.check_recorder(people["keyworker"], one_to_one)
    policy.check_recorder(people["supervisor"], one_to_one)
    with pytest.raises(Forbidden, match="Only the partner organisation"):
        policy.check_recorder(people["keyworker"], booked)
    with pytest.raises(Forbidden, match="Only the keyworker"):
        policy.check_recorder(people["partner"], one_to_one)
    with pytest.raises(Forbidden):
        policy.check_recorder(people["admin"], one_to_one)


@pytest.mark.parametrize("who", WHO)
def test_the_list_to_record_is_what_the_user_may_see_and_record(scene, who):
    people, ids = scene
    user = people[who]
    rows, total = lists.awaiting_attendance(user, page=1, per_page=25)
    recordable = {
        name
        for name in _readable(user, ids)
        if policy.can_record(user, db.session.get(Appointment, ids[name]))
    }

    assert {row.appointment.id for row in rows} == {ids[name] for name in recordable}
    assert total == len(recordable)


def test_appointments_on_a_closed_referral_no_longer_wait_for_attendance(scene, world):
    people, _ = scene
    set_status(world.referral, ReferralStatus.CANCELLED)

    rows, total = lists.awaiting_attendance(people["partner"], page=1, per_page=25)

    assert (rows, total) == ([], 0)


def test_a_concern_is_seen_by_the_case_staff_only(world, other):
    world.attend(world.book(starts_at=past(days=2)), status="did_not_attend")
    concern = lists.case_concerns(world.case.id)[0]
    supervisor = factories.user(Role.SUPERVISOR)

    for user in (world.keyworker, supervisor):
        found, case = policy.get_concern_for(user, concern.id)
        assert (found.id, case.id) == (concern.id, world.case.id)
    for user in (other.keyworker, world.partner, factories.user(Role.ADMIN), None):
        with pytest.raises(NotFound):
            policy.get_concern_for(user, concern.id)
    with pytest.raises(NotFound):
        policy.get_concern_for(supervisor, uuid.uuid4())


def test_a_condition_is_found_only_under_its_own_case(client, world):
    from app.contracts.variations import get_condition_for

    another = factories.case(world.keyworker)
    sign_in(client, world.keyworker)

    assert client.get(f"/cases/{world.case.id}/conditions/{world.rehab.id}").status_code == 200
    assert client.get(f"/cases/{another.id}/conditions/{world.rehab.id}").status_code == 404
    assert get_condition_for(world.keyworker, world.rehab.id, case_id=world.case.id)[1].id == (
        world.case.id
    )
    with pytest.raises(NotFound):
        get_condition_for(world.keyworker, world.rehab.id, case_id=another.id)
