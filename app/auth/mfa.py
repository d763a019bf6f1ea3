"""Time-based one-time passwords (RFC 6238) with replay protection."""

from __future__ import annotations

import hmac
import time
from datetime import UTC, datetime

import pyotp
import segno

TOTP_INTERVAL = 30
# Accept the previous and next 30-second step, for clock drift and slow typing.
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_code_svg(uri: str) -> str:
    """An inline SVG QR code (no image request, so nothing for the CSP to allow)."""
    return segno.make(uri, error="m").svg_inline(
        scale=5, title="QR code for your authenticator app"
    )


def matching_step(secret: str, code: str, *, after_step: int | None, at: float | None = None):
    """The time step that ``code`` is valid for, if it is later than ``after_step``.

    Returns None for a wrong code, and for a code already used (same or earlier step),
    so a code cannot be replayed.
    """
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_INTERVAL)
    now_step = totp.timecode(_at(at))
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if after_step is not None and step <= after_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _at(at: float | None) -> datetime:
    return datetime.fromtimestamp(at if at is not None else time.time(), UTC)


def code_for(secret: str, at: float | None = None) -> str:
    """The current code (demo data and tests stand in for the person's authenticator)."""
    return pyotp.TOTP(secret, interval=TOTP_INTERVAL).at(_at(at))
