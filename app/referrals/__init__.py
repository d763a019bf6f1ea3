"""Referrals: warm introductions to partners, their lifecycle, appointments and attendance.

Importing the package connects its receivers of other features' events
(``app.referrals.subscribers``; see ``app.events``).
"""

from app.referrals import subscribers as _subscribers  # noqa: F401  (connects receivers)
