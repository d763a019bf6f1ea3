"""Writing and verifying the audit log.

``record`` adds an entry to the caller's transaction, so the entry commits or rolls
back with the change it describes. Entries are chained: each holds the hash of the
previous entry, and its own hash is an HMAC under an audit key kept outside the database
(app.audit.chain), so ``verify`` finds any entry that was altered, inserted or removed
from the middle of the log, even by someone who can rewrite the table. Checked
``against`` a checkpoint (app.audit.checkpoints), it also finds entries removed from the
end.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select, text

from app.audit import chain, queries
from app.audit.checkpoints import Checkpoint
from app.audit.context import current_audit_context
from app.audit.models import GENESIS_HASH, AuditEntry
from app.audit.queries import Filters
from app.database import hold_write_lock, utcnow
from app.extensions import db

# Any fixed 64-bit number: the PostgreSQL advisory lock that serialises appends.
_CHAIN_LOCK_KEY = 7_304_118_226


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
    chain.seal(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


def record_list_read(action: str, object_type: str, ids, *, actor, **details) -> AuditEntry | None:
    """Audit one read of a list that shows personal data (DPA 2018 s.62 asks for each
    consultation and disclosure): one entry per request, naming in ``details["ids"]`` the
    ids of the ``object_type`` records returned, and committed at once. What was read
    stays loaded (the commit does not expire it), so the page or answer is drawn from the
    rows the entry names without reading them again. A list that returned nothing
    disclosed nothing: no entry."""
    ids = [str(i) for i in ids]
    if not ids:
        return None
    entry = record(
        action, object_type, "*", actor=actor, details={**details, "ids": ids, "count": len(ids)}
    )
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    return entry


@dataclass
class VerificationResult:
    checked: int = 0
    problems: list[str] = field(default_factory=list)
    legacy: int = 0  # entries from before audit keys (plain SHA-256, no key id)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(against: Checkpoint | None = None) -> VerificationResult:
    """Walk the whole chain in order and report every broken link and every entry whose
    hash does not match; with a checkpoint, also whether the log still holds its head."""
    result = VerificationResult()
    expected_prev = GENESIS_HASH
    after_keyed = False
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
        problem = chain.seal_problem(entry, after_keyed=after_keyed)
        if problem:
            result.problems.append(problem)
        if entry.key_id is None:
            result.legacy += 1
        else:
            after_keyed = True
        if against is not None and result.checked == against.count:
            result.problems.extend(_differences(entry, against))
        expected_prev = entry.entry_hash
    if against is not None and result.checked < against.count:
        result.problems.append(
            f"the log has {result.checked} entries, fewer than the {against.count} at the "
            f"checkpoint of {against.taken_at} (entries were removed from the end)"
        )
    return result


def _differences(entry: AuditEntry, checkpoint: Checkpoint) -> list[str]:
    if entry.id == checkpoint.last_id and entry.entry_hash == checkpoint.last_hash:
        return []
    return [
        f"entry {entry.id}: is entry {checkpoint.count} of the log, where the checkpoint of "
        f"{checkpoint.taken_at} has entry {checkpoint.last_id} with another hash "
        "(entries were removed, inserted or rewritten)"
    ]


PAGE_SIZE = 50


def list_entries(
    filters: Filters, *, page: int = 1, per_page: int = PAGE_SIZE
) -> tuple[list[AuditEntry], int]:
    """Entries newest first, selected by ``filters`` (app.audit.queries, as the
    administrators' page selects them)."""
    total = queries.count(filters)
    found = db.session.scalars(
        queries.filtered(filters)
        .with_only_columns(AuditEntry)
        .order_by(AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(found), total
