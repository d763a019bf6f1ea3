"""Secrets encrypted at rest: the TOTP secrets of users and of sign-ins in progress.

Fernet (AES-128-CBC with an HMAC-SHA256, from ``cryptography``) under the keys in
``TOTP_ENCRYPTION_KEYS``: the first encrypts, every one of them decrypts, so a new key
can be put first and the old ones kept until ``flask keys rotate`` has re-encrypted
every secret under the new one.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import String, TypeDecorator


class DecryptionFailed(RuntimeError):
    """A stored secret cannot be decrypted: its key is missing from TOTP_ENCRYPTION_KEYS."""


def parse_keys(value: str | list[str] | tuple[str, ...]) -> list[str]:
    """The keys from a comma-separated setting (or a list), in order, blanks dropped."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    return [part.strip() for part in parts if part and part.strip()]


def key_problem(keys: list[str]) -> str | None:
    """Why these keys cannot be used, or None."""
    if not keys:
        return "TOTP_ENCRYPTION_KEYS must name at least one key"
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            return (
                f"TOTP_ENCRYPTION_KEYS: key {position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)"
            )
    return None


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def _fernet(keys: list[str] | None = None) -> MultiFernet:
    keys = keys if keys is not None else current_app.config["TOTP_ENCRYPTION_KEYS"]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(plaintext: str, keys: list[str] | None = None) -> str:
    return _fernet(keys).encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(ciphertext: str, keys: list[str] | None = None) -> str:
    try:
        return _fernet(keys).decrypt(ciphertext.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise DecryptionFailed(
            "A stored secret could not be decrypted: is its key in TOTP_ENCRYPTION_KEYS?"
        ) from None


def reencrypt(ciphertext: str, keys: list[str] | None = None) -> str:
    """The same secret, encrypted under the current (first) key."""
    try:
        return _fernet(keys).rotate(ciphertext.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise DecryptionFailed(
            "A stored secret could not be decrypted: is its key in TOTP_ENCRYPTION_KEYS?"
        ) from None


class EncryptedString(TypeDecorator):
    """A string column holding ciphertext; Python code sees the plaintext.

    Values are encrypted with a fresh IV on every write, so the column cannot be
    compared in SQL (nothing needs to: it is only read by the row's id).
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)
