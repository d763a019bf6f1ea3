"""What referrals do when another feature announces an event (``app.events``).

Imported by ``app/referrals/__init__.py``, so the receivers are connected in every app
(pages, API, command line, tests) as soon as anything of the referrals package is.
"""

from __future__ import annotations

from app import events
from app.consent.models import Consent
from app.referrals.lifecycle import hold_referrals_for_consent, start_on_first_session


@events.consent_withdrawn.connect
def hold_referrals_on_consent_withdrawn(consent: Consent, **_details) -> None:
    """Consent withdrawn (or replaced): its open referrals that the consents still in
    force no longer cover go on hold, in the withdrawing transaction."""
    hold_referrals_for_consent(consent)


@events.attendance_recorded.connect
def start_on_first_session_recorded(appointment, *, record, actor, **_details) -> None:
    """The first session that took place on an accepted referral starts it, in the
    attendance's transaction (also when a correction says that a session recorded as
    not taking place did). A session that did not take place starts nothing."""
    if appointment.referral is not None and record.happened:
        start_on_first_session(appointment.referral, actor)
