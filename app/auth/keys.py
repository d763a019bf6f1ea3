"""Rotating the key that encrypts TOTP secrets at rest (``flask keys rotate``).

Put a new key first in TOTP_ENCRYPTION_KEYS, keep the old ones after it, restart, run
the rotation, then remove the old keys: every secret is then under the new key.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.audit import services as audit
from app.auth.encryption import reencrypt
from app.extensions import db

# The ciphertext columns, read and written as they are stored (not through the
# models, which would decrypt them).
ENCRYPTED_COLUMNS = (
    ("users", "totp_secret"),
    ("pending_sign_ins", "enrol_secret"),
    ("webhook_endpoints", "secret"),  # partners' webhook signing secrets
)


def rotate_all() -> int:
    """Re-encrypt every stored secret under the current (first) key, in one transaction.
    Returns how many secrets there were."""
    count = 0
    try:
        for table_name, column_name in ENCRYPTED_COLUMNS:
            table = sa.table(
                table_name, sa.column("id", sa.Uuid()), sa.column(column_name, sa.String())
            )
            column = table.c[column_name]
            rows = db.session.execute(
                sa.select(table.c.id, column).where(column.is_not(None))
            ).all()
            for row_id, ciphertext in rows:
                db.session.execute(
                    table.update()
                    .where(table.c.id == row_id)
                    .values({column_name: reencrypt(ciphertext)})
                )
                count += 1
    except Exception:
        db.session.rollback()
        raise
    audit.record("totp_keys.rotated", "user", "*", details={"secrets": count})
    db.session.commit()
    return count
