"""Signed statements of the audit log's head, to keep somewhere other than the database.

The chain shows that no entry was altered, inserted or removed from the middle, but not
that the newest entries are still there: deleting the end of a chain leaves a shorter
chain that verifies. A checkpoint records how many entries there were, and the id and
hash of the last, signed with the current audit key. Kept elsewhere (another machine,
the case file), it lets ``verify`` show that the log still holds that entry at that
position, so entries removed from the end are found.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from sqlalchemy import func, select

from app.audit import chain
from app.audit.models import GENESIS_HASH, AuditEntry
from app.database import utcnow
from app.extensions import db

FORMAT = "virtual-offender-hub audit checkpoint 1"


class CheckpointRefused(ValueError):
    """The text is not a checkpoint this hub signed."""


@dataclass(frozen=True)
class Checkpoint:
    count: int
    last_id: int | None
    last_hash: str
    taken_at: str
    key_id: str
    signature: str

    def _signed_part(self) -> bytes:
        statement = {**asdict(self), "format": FORMAT}
        del statement["signature"]
        return json.dumps(statement, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def to_text(self) -> str:
        return json.dumps({"format": FORMAT, **asdict(self)}, indent=2, sort_keys=True) + "\n"


def take() -> Checkpoint:
    """A signed checkpoint of the log as it is now."""
    total = select(func.count()).select_from(AuditEntry).scalar_subquery()
    # One statement, so the count and the last entry are of the same moment.
    head = db.session.execute(
        select(AuditEntry.id, AuditEntry.entry_hash, total).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    unsigned = Checkpoint(
        count=head[2] if head else 0,
        last_id=head[0] if head else None,
        last_hash=head[1] if head else GENESIS_HASH,
        taken_at=utcnow().replace(microsecond=0).isoformat(),
        key_id=chain.current_key_id(),
        signature="",
    )
    signature = chain.sign(unsigned.key_id, unsigned._signed_part())
    return Checkpoint(**{**asdict(unsigned), "signature": signature})


def load(text: str) -> Checkpoint:
    """Read a checkpoint and check its signature; CheckpointRefused if it is not genuine."""
    try:
        data = json.loads(text)
    except ValueError:
        raise CheckpointRefused("it is not a checkpoint (not JSON)") from None
    if not isinstance(data, dict) or data.pop("format", None) != FORMAT:
        raise CheckpointRefused("it is not a checkpoint of this hub's audit log")
    try:
        checkpoint = Checkpoint(**data)
    except TypeError:
        raise CheckpointRefused("it is not a complete checkpoint") from None
    if not _well_formed(checkpoint):
        raise CheckpointRefused("it is not a complete checkpoint")
    if checkpoint.key_id not in chain.audit_keys():
        raise CheckpointRefused(
            f"it is signed with audit key {checkpoint.key_id!r}, which is not in AUDIT_KEYS"
        )
    if not chain.signature_matches(
        checkpoint.key_id, checkpoint._signed_part(), checkpoint.signature
    ):
        raise CheckpointRefused("its signature does not match: it was forged or altered")
    return checkpoint


def _well_formed(checkpoint: Checkpoint) -> bool:
    def is_int(value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    return (
        is_int(checkpoint.count)
        and checkpoint.count >= 0
        and (checkpoint.last_id is None or is_int(checkpoint.last_id))
        and (checkpoint.last_id is None) == (checkpoint.count == 0)
        and all(
            isinstance(value, str)
            for value in (checkpoint.last_hash, checkpoint.taken_at, checkpoint.key_id)
        )
        and isinstance(checkpoint.signature, str)
        and checkpoint.signature != ""
    )
