"""Audit keys: set outside the database, refused when unsafe in production, rotated by
adding a new one; entries from before keys were introduced still verify."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet

from app.audit import services as audit
from app.audit.models import GENESIS_HASH, AuditEntry
from app.config import (
    DEVELOPMENT_AUDIT_KEYS,
    ConfigurationError,
    load_config,
    parse_audit_keys,
)
from app.extensions import db
from tests.audit.support import entries, make_entries, plain_sha256, rewrite_chain

# Tampering goes straight to the database, on a connection of its own.
pytestmark = pytest.mark.committed


OLD = "old:9f1c2b7d4e6a8c0b1d3f5a7c9e2b4d6f8a0c1e3b"
NEW = "new:2e4a6c8b0d1f3a5c7e9b1d3f5a7c9e0b2d4f6a8c"
GOOD_SECRET = "0123456789abcdefghijklmnopqrstuvwxyzABCD"  # noqa: S105
POSTGRES_URL = "postgresql+psycopg://hub:secret@db.internal:5432/hub"


@pytest.fixture
def app_config():
    return {"AUDIT_KEYS": OLD}


# Rotation ------------------------------------------------------------------------------


def test_entries_under_the_old_and_the_new_key_verify_after_rotation(app, tmp_path):
    make_entries(3)
    runner = app.test_cli_runner()
    checkpoint = tmp_path / "before-rotation.json"
    assert runner.invoke(args=["audit", "checkpoint", "--to", str(checkpoint)]).exit_code == 0

    app.config["AUDIT_KEYS"] = parse_audit_keys(f"{OLD},{NEW}")  # the new key is last
    make_entries(3, start=3)

    assert [e.key_id for e in entries()] == ["old"] * 3 + ["new"] * 3
    assert audit.verify().ok
    answer = runner.invoke(args=["audit", "verify", "--against", str(checkpoint)])
    assert answer.exit_code == 0, answer.output
    assert "6 entries, chain intact" in answer.output
    assert json.loads(checkpoint.read_text())["key_id"] == "old"


def test_a_key_dropped_from_the_setting_leaves_its_entries_unverifiable(app):
    make_entries(2)
    app.config["AUDIT_KEYS"] = parse_audit_keys(NEW)
    make_entries(1, start=2)
    result = audit.verify()
    assert not result.ok
    assert result.problems == [
        f"entry {e.id}: signed with audit key 'old', not in AUDIT_KEYS" for e in entries()[:2]
    ]


def test_a_rewrite_spanning_the_rotation_is_found(app):
    make_entries(2)
    app.config["AUDIT_KEYS"] = parse_audit_keys(f"{OLD},{NEW}")
    make_entries(2, start=2)
    rewrite_chain(1, change={"reason": "changed"}, rehash=plain_sha256)
    result = audit.verify()
    assert not result.ok
    assert len(result.problems) == 3  # the changed entry and the two after it


# Entries from before keys ----------------------------------------------------------------


def _legacy_entries(n: int) -> list[AuditEntry]:
    """Entries as the hub wrote them before audit keys: no key id, a plain SHA-256."""
    previous = GENESIS_HASH
    written = []
    for i in range(n):
        entry = AuditEntry(
            occurred_at=datetime(2026, 11, 1, 9, i, tzinfo=UTC),
            actor_role="system",
            action="legacy.event",
            object_type="thing",
            object_id=f"legacy-{i}",
            details={"i": i},
            prev_hash=previous,
        )
        entry.entry_hash = plain_sha256(entry)
        db.session.add(entry)
        previous = entry.entry_hash
        written.append(entry)
    db.session.commit()
    return written


def test_entries_from_before_keys_verify_and_the_first_keyed_entry_follows_them(app):
    legacy = _legacy_entries(3)
    runner = app.test_cli_runner()
    answer = runner.invoke(args=["audit", "verify"])
    assert answer.exit_code == 0
    assert "3 entries from before audit keys have a plain SHA-256" in answer.output

    make_entries(2)
    result = audit.verify()
    assert result.ok and result.legacy == 3 and result.checked == 5
    assert entries()[3].prev_hash == legacy[-1].entry_hash
    answer = runner.invoke(args=["audit", "verify"])
    assert "Audit log verified: 5 entries, chain intact" in answer.output
    assert "the first entry signed with an audit key vouches for them" in answer.output


def test_rewriting_entries_from_before_keys_is_found_at_the_first_keyed_entry(app):
    _legacy_entries(3)
    make_entries(2)
    first_keyed = entries()[3]
    # The legacy entries' hashes are plain SHA-256 and anyone can recompute them, but the
    # first keyed entry's HMAC covers the hash of the last of them.
    rewrite_chain(1, change={"reason": "changed"}, rehash=plain_sha256, until=3)
    result = audit.verify()
    assert result.problems == [
        f"entry {first_keyed.id}: does not follow the entry before it "
        "(an entry was removed or inserted)"
    ]


def test_an_entry_without_a_key_after_keyed_entries_is_refused(app):
    make_entries(2)
    previous = entries()[-1].entry_hash
    entry = AuditEntry(
        occurred_at=datetime(2026, 12, 1, tzinfo=UTC),
        actor_role="system",
        action="slipped.in",
        object_type="thing",
        object_id="x",
        details={},
        prev_hash=previous,
    )
    entry.entry_hash = plain_sha256(entry)
    db.session.add(entry)
    db.session.commit()
    result = audit.verify()
    assert result.problems == [
        f"entry {entry.id}: has no audit key but follows entries that do (rewritten)"
    ]


# Settings ------------------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("HUB_ENV", "SECRET_KEY", "DATABASE_URL", "AUDIT_KEYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("DATABASE_URL", POSTGRES_URL)
    # Production's other key, set properly, so each test meets only the audit keys' rules.
    monkeypatch.setenv("TOTP_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    monkeypatch.setenv("NOTIFY_TRANSPORT", "smtp")
    monkeypatch.setenv("BASE_URL", "https://hub.example.police.uk")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/1")
    return monkeypatch


def test_development_has_a_fixed_audit_key(clean_env, tmp_path):
    config = load_config(tmp_path)
    assert config["AUDIT_KEYS"] == parse_audit_keys(DEVELOPMENT_AUDIT_KEYS)


def test_production_needs_audit_keys(clean_env, tmp_path):
    with pytest.raises(ConfigurationError, match="AUDIT_KEYS must be set in production"):
        load_config(tmp_path, {"HUB_ENV": "production"})


@pytest.mark.parametrize(
    "keys",
    [
        "k1:short",
        f"k1:{'x' * 31}",
        f"{OLD},k2:short",
        DEVELOPMENT_AUDIT_KEYS.replace("dev:", "live:"),
        f"k1:{GOOD_SECRET}",
    ],
)
def test_production_refuses_weak_audit_keys(clean_env, tmp_path, keys):
    clean_env.setenv("AUDIT_KEYS", keys)
    with pytest.raises(ConfigurationError, match="AUDIT_KEYS"):
        load_config(tmp_path, {"HUB_ENV": "production"})


@pytest.mark.parametrize(
    "keys", ["no-colon", "k1:", ":key", "k 1:key", f"{'i' * 33}:key", "k1:a,k1:b", "k1:a,,"]
)
def test_malformed_audit_keys_are_refused_everywhere(clean_env, tmp_path, keys):
    clean_env.setenv("AUDIT_KEYS", keys)
    with pytest.raises(ConfigurationError, match="AUDIT_KEYS"):
        load_config(tmp_path)


def test_production_accepts_proper_audit_keys_the_last_current(clean_env, tmp_path):
    clean_env.setenv("AUDIT_KEYS", f" {OLD} , {NEW} ")
    config = load_config(tmp_path, {"HUB_ENV": "production"})
    assert list(config["AUDIT_KEYS"]) == ["old", "new"]
    assert config["AUDIT_KEYS"]["new"] == NEW.partition(":")[2]
