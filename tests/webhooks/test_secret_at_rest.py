"""A webhook's signing secret is encrypted in the database, like TOTP secrets, and
``flask keys rotate`` re-encrypts it under the new key."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet

from app.extensions import db
from app.webhooks import services
from tests.referrals import support as referrals
from tests.webhooks.support import lead

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


@pytest.fixture
def app_config():
    return {"TOTP_ENCRYPTION_KEYS": [OLD]}


def _stored(endpoint_id) -> str:
    return db.session.execute(
        sa.text("SELECT secret FROM webhook_endpoints WHERE id = :id"),
        {"id": endpoint_id.hex if db.engine.dialect.name == "sqlite" else endpoint_id},
    ).scalar_one()


def test_the_secret_is_stored_encrypted_and_rotated_with_the_keys(app):
    registered = services.register(
        lead(referrals.organisation()), url="https://cases.example.org/h", events=["referral.sent"]
    )
    stored = _stored(registered.endpoint.id)
    assert registered.secret not in stored
    assert MultiFernet([Fernet(OLD)]).decrypt(stored.encode()).decode() == registered.secret

    app.config["TOTP_ENCRYPTION_KEYS"] = [NEW, OLD]
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    rotated = _stored(registered.endpoint.id)
    assert MultiFernet([Fernet(NEW)]).decrypt(rotated.encode()).decode() == registered.secret
