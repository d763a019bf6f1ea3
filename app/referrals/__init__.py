"""Referrals: warm introductions to partners, their lifecycle, appointments and attendance."""
