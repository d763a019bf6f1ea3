"""Victims, the redacted victim-update view, and the log of what victims were told."""
