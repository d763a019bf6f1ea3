"""Importing a force's historic records (the past cohort) into the hub."""
