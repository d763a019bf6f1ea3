"""Notifications: an outbox written in the same transaction as the change, and a sender."""
