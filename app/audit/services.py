"""Writing and verifying the audit log.

``record`` adds an entry to the caller's transaction, so the entry commits or rolls
back with the change it describes. Entries are chained: each holds the SHA-256 of the
previous entry and of its own content, so ``verify`` finds any entry that was altered or
removed from the middle of the log.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field

from sqlalchemy import func, select, text

from app.audit.context import current_audit_context
from app.audit.models import GENESIS_HASH, AuditEntry
from app.database import hold_write_lock, utcnow
from app.extensions import db

# Any fixed 64-bit number: the PostgreSQL advisory lock that serialises appends.
_CHAIN_LOCK_KEY = 7_304_118_226


def _content_hash(entry: AuditEntry) -> str:
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
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _lock_chain() -> None:
    """Serialise appends: hold the chain's lock, until this transaction ends, before the
    head is read, so no two transactions can chain to the same head."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    else:
        hold_write_lock(connection)


def record(
    action: str,
    object_type: str,
    object_id: uuid.UUID | str,
    *,
    actor=None,
    reason: str | None = None,
    details: dict | None = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits)."""
    context = current_audit_context()
    actor = actor if actor is not None else context.actor
    _lock_chain()
    previous = db.session.scalar(
        select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    )
    entry = AuditEntry(
        occurred_at=utcnow().replace(microsecond=0),
        actor_id=actor.id if actor is not None else None,
        actor_role=actor.role if actor is not None else context.actor_role,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        ip_address=context.ip_address,
        reason=reason,
        details=details or {},
        prev_hash=previous or GENESIS_HASH,
    )
    entry.entry_hash = _content_hash(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass
class VerificationResult:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify() -> VerificationResult:
    """Walk the whole chain in order and report every broken link."""
    result = VerificationResult()
    expected_prev = GENESIS_HASH
    entries = db.session.execute(
        select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000)
    ).scalars()
    for entry in entries:
        result.checked += 1
        if entry.prev_hash != expected_prev:
            result.problems.append(
                f"entry {entry.id}: does not follow the entry before it "
                "(an entry was removed or inserted)"
            )
        if _content_hash(entry) != entry.entry_hash:
            result.problems.append(f"entry {entry.id}: content does not match its hash (altered)")
        expected_prev = entry.entry_hash
    return result


PAGE_SIZE = 50


def list_entries(
    *,
    object_id: str | None = None,
    actor_id=None,
    since=None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> tuple[list[AuditEntry], int]:
    """Entries newest first, filtered by object, by acting user and by time."""
    query = select(AuditEntry)
    if since is not None:
        query = query.where(AuditEntry.occurred_at >= since)
    if object_id:
        query = query.where(AuditEntry.object_id == object_id)
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    entries = db.session.scalars(
        query.order_by(AuditEntry.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return list(entries), total
