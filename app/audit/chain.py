"""How an audit entry is sealed into the chain, and how a seal is checked.

A new entry's ``entry_hash`` is the HMAC-SHA256, under the current audit key, of its
content: what happened, who, when, the id of the key and the hash of the entry before.
Without the key nobody can write a hash that verifies, so someone with only database
access cannot alter an entry and recompute the ones after it.

The keys (the AUDIT_KEYS setting, ``{id: key}``) live outside the database. The last one
signs new entries; the others still verify the entries they signed, so a key is rotated
by adding a new one at the end and keeping the old while its entries are kept.

Legacy entries, written before keys were introduced, have no key id and a plain SHA-256
of their content. They are accepted only before the first keyed entry: that entry's HMAC
covers the hash of the last legacy entry, which covers the one before, and so on, so the
first keyed entry vouches for them all. A legacy entry after a keyed one is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from flask import current_app

from app.audit.models import AuditEntry


def canonical_content(entry: AuditEntry, *, keyed: bool) -> bytes:
    """The bytes an entry's hash covers (the tamper tests forge with these too)."""
    content = {
        "occurred_at": entry.occurred_at.isoformat(),
        "actor_id": str(entry.actor_id) if entry.actor_id else None,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "ip_address": entry.ip_address,
        "reason": entry.reason,
        "details": entry.details or {},
        "prev_hash": entry.prev_hash,
    }
    if keyed:
        content["key_id"] = entry.key_id
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return encoded.encode("utf-8")


def audit_keys() -> dict[str, str]:
    return current_app.config["AUDIT_KEYS"]


def current_key_id() -> str:
    return next(reversed(audit_keys()))


def sign(key_id: str, message: bytes) -> str:
    """HMAC-SHA256 of ``message`` under the audit key ``key_id``, as hex."""
    key = audit_keys()[key_id].encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def signature_matches(key_id: str, message: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(key_id, message), signature)


def seal(entry: AuditEntry) -> None:
    """Set ``key_id`` and ``entry_hash`` of a new entry (its ``prev_hash`` already set)."""
    entry.key_id = current_key_id()
    entry.entry_hash = sign(entry.key_id, canonical_content(entry, keyed=True))


def legacy_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical_content(entry, keyed=False)).hexdigest()


def seal_problem(entry: AuditEntry, *, after_keyed: bool) -> str | None:
    """What is wrong with the entry's own hash, or None. ``after_keyed``: a keyed entry
    comes before it in the chain."""
    if entry.key_id is None:
        if after_keyed:
            return f"entry {entry.id}: has no audit key but follows entries that do (rewritten)"
        if not hmac.compare_digest(legacy_hash(entry), entry.entry_hash):
            return f"entry {entry.id}: content does not match its hash (altered)"
        return None
    if entry.key_id not in audit_keys():
        return f"entry {entry.id}: signed with audit key {entry.key_id!r}, not in AUDIT_KEYS"
    if not signature_matches(entry.key_id, canonical_content(entry, keyed=True), entry.entry_hash):
        return f"entry {entry.id}: content does not match its hash (altered)"
    return None
