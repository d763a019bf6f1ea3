"""Needs assessment: criminogenic need domains scored at the start and at exit."""
