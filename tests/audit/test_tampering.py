"""Someone with direct access to the database rewrites the audit log.

The triggers keep honest code from changing entries, but whoever can drop them can
change an entry and recompute the hashes after it. The chain's hashes are HMACs under a
key that is not in the database, so without the key the rewrite does not verify.
"""

from __future__ import annotations

import hashlib
import hmac

import pytest

from app.audit import services as audit
from app.config import DEVELOPMENT_AUDIT_KEYS, parse_audit_keys
from tests.audit.support import (
    content,
    entries,
    has_key_ids,
    make_entries,
    plain_sha256,
    rewrite_chain,
)

# Tampering goes straight to the database, on a connection of its own.
pytestmark = pytest.mark.committed

AUDIT_KEY = "k1:5bd9c1bc3f0d4a5f9a0b8b7e6c2f41d7e3a9c0b2d4f6a8c1"


@pytest.fixture
def app_config():
    return {"AUDIT_KEYS": AUDIT_KEY}


def _hmac_under(key: str):
    def rehash(entry) -> str:
        message = content(entry, keyed=True)
        return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()

    return rehash


def test_an_entry_rewritten_with_its_later_hashes_recomputed_is_found(app):
    """The old attack: drop the triggers, change an entry, recompute the SHA-256 of it
    and of every entry after it. It used to verify."""
    make_entries(5)
    target = entries()[2]

    rewrite_chain(2, change={"reason": "nothing to see"}, rehash=plain_sha256)

    result = audit.verify()
    assert not result.ok
    assert any(f"entry {target.id}:" in problem for problem in result.problems)
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 1


def test_clearing_the_key_ids_of_a_rewritten_tail_is_found(app):
    """Passing the rewritten entries off as from before keys were introduced."""
    make_entries(5)
    if not has_key_ids():
        pytest.fail("entries carry no key id")
    target = entries()[2]

    rewrite_chain(2, change={"action": "other"}, rehash=plain_sha256, clear_key_ids=True)

    result = audit.verify()
    assert not result.ok
    assert f"entry {target.id}: has no audit key but follows entries that do (rewritten)" in (
        result.problems
    )


ATTACKERS_WITHOUT_THE_KEY = {
    "plain SHA-256": plain_sha256,
    "HMAC under the development key": _hmac_under(parse_audit_keys(DEVELOPMENT_AUDIT_KEYS)["dev"]),
    "HMAC under the key id": _hmac_under("k1"),
    "HMAC under a guessed key": _hmac_under("5bd9c1bc3f0d4a5f9a0b8b7e6c2f41d7e3a9c0b2d4f6a8c2"),
}


@pytest.mark.parametrize("attacker", ATTACKERS_WITHOUT_THE_KEY)
def test_without_the_key_a_rewrite_cannot_be_made_to_verify(app, attacker):
    make_entries(4)
    rewrite_chain(
        1, change={"object_id": "someone-else"}, rehash=ATTACKERS_WITHOUT_THE_KEY[attacker]
    )
    result = audit.verify()
    assert not result.ok
    assert any("content does not match its hash (altered)" in p for p in result.problems)


def test_only_the_key_makes_a_rewrite_verify(app):
    """The control for the test above: the same rewrite, hashed under the real key (which
    the database does not hold), does verify. So the key is what protects the chain."""
    make_entries(4)
    real_key = AUDIT_KEY.partition(":")[2]
    rewrite_chain(1, change={"object_id": "someone-else"}, rehash=_hmac_under(real_key))
    assert audit.verify().ok
