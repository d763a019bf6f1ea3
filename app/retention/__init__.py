"""Retention and erasure of personal data (Data Protection Act 2018, Part 3).

``schedule`` holds the periods and the one SQL rule of what is due; ``erasure`` erases
one case's personal data; ``services`` lists what is due for an administrator's review,
records their decisions and runs the periodic review (``run_retention_review``).
"""
