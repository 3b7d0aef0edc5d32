"""Scheduled jobs of the lead domain: overdue follow-ups, stale leads, their Celery tasks."""
