"""Signing deliveries the Standard Webhooks way (https://www.standardwebhooks.com/).

The secret is ``whsec_`` + base64 of 32 random bytes. Each attempt is signed with
``webhook-signature: v1,<base64 of HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")>``,
using the maintained ``standardwebhooks`` package (the receiver's side: ``verify`` below,
which is also the example verifier the API reference shows).
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

PREFIX = "whsec_"
KEY_BYTES = 32

__all__ = ["WebhookVerificationError", "headers", "new_secret", "verify"]


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def headers(secret: str, message_id: str, at: datetime, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers of one attempt sent at ``at``."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
    }


def verify(secret: str, body: bytes | str, received_headers: dict) -> dict:
    """What a receiver does: the payload, or WebhookVerificationError if the signature,
    or a timestamp more than five minutes away, gives it away as not ours."""
    return Webhook(secret).verify(body, received_headers)


EXAMPLE_VERIFIER = '''\
# pip install standardwebhooks
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

webhook = Webhook("whsec_...")  # the secret shown once when you registered the endpoint

def receive(body: bytes, headers: dict) -> dict:
    """Raises WebhookVerificationError unless the hub sent it in the last five minutes."""
    return webhook.verify(body, headers)  # headers: webhook-id, -timestamp, -signature

# Without the package, the same check by hand:
import base64, hashlib, hmac, time

def verify_by_hand(secret: str, body: bytes, headers: dict) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    msg_id, stamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(time.time() - int(stamp)) > 300:
        return False
    signed = f"{msg_id}.{stamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(expected, sig.partition(",")[2])
        for sig in headers["webhook-signature"].split()
        if sig.startswith("v1,")
    )
'''
