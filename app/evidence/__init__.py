"""Appointments, attendance and condition evidence, and compliance concerns with decisions."""
