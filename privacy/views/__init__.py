"""Screens of privacy: the GDPR pages per lead and person (gdpr.py)."""
