"""Screens of privacy: GDPR pages per lead and person (gdpr.py), person merge (person_merge.py)."""
