"""Consent to share information: records per organisation and category, withdrawal, can_share()."""
