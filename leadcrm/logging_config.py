"""Structured logs: every line one JSON object (LOG_FORMAT=json, the production default)
or a readable console line (LOG_FORMAT=console, the development default).

All loggers — Django's, Celery's, ours (`logging.getLogger(__name__)`) and structlog's —
go through one handler whose structlog `ProcessorFormatter` adds the context:

- `request_id`, `user_id`, `ip`: bound per request by `leadcrm.logging_context.
  RequestContextMiddleware` (contextvars, so threads and tasks of other requests never mix);
- `task_id`, `task`: read from Celery's current task when a worker logs;
- `timestamp` (UTC, ISO 8601), `level`, `logger`, and `status_code` of `django.request`.

Expected refusals (403, 404, 405, 410) stay one warning line: Django's `django.request`
logger attaches the PermissionDenied traceback to "Forbidden", which in a CRM with object
permissions is routine and drowned real errors (`ExpectedResponseFilter`).
"""

from __future__ import annotations

import logging
from typing import Any

import structlog
from celery import current_task

LOG_FORMATS = ("json", "console")
# refusals a user can cause by following an old link: no traceback, they are not bugs
EXPECTED_STATUS_CODES = frozenset({403, 404, 405, 410})


class ExpectedResponseFilter(logging.Filter):
    """Drop the traceback from `django.request` records of expected refusals."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in EXPECTED_STATUS_CODES:
            record.exc_info = None
            record.exc_text = None
        return True


def add_celery_task(_logger: Any, _method: str, event_dict: dict) -> dict:
    """`task_id` and `task` while a Celery worker runs a task (eager runs included)."""
    task = current_task
    if task:
        request = task.request
        if request.id:
            event_dict.setdefault("task_id", request.id)
            event_dict.setdefault("task", task.name)
    return event_dict


def add_record_fields(_logger: Any, _method: str, event_dict: dict) -> dict:
    """`status_code` that Django's request logger passes as an extra."""
    record = event_dict.get("_record")
    status = getattr(record, "status_code", None)
    if status is not None:
        event_dict.setdefault("status_code", status)
    return event_dict


def _shared_processors() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        add_celery_task,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def _renderer(log_format: str) -> Any:
    if log_format == "json":
        return structlog.processors.JSONRenderer(sort_keys=False)
    return structlog.dev.ConsoleRenderer(
        colors=False, exception_formatter=structlog.dev.plain_traceback
    )


def formatter_processors(log_format: str) -> list:
    """The last steps of every record: the traceback as text (one JSON string), render."""
    steps: list = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if log_format == "json":
        steps.append(structlog.processors.format_exc_info)
    steps.append(_renderer(log_format))
    return steps


def make_formatter(log_format: str) -> structlog.stdlib.ProcessorFormatter:
    """The formatter of the one handler (LOGGING's "structured" formatter)."""
    return structlog.stdlib.ProcessorFormatter(
        processors=formatter_processors(log_format),
        foreign_pre_chain=[*_shared_processors(), add_record_fields],
    )


def configure_structlog() -> None:
    """structlog's own loggers hand their events to the stdlib handler configured below."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING dict for settings.py (and structlog configured to match)."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")
    configure_structlog()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {"()": make_formatter, "log_format": log_format},
        },
        "filters": {"expected_responses": {"()": ExpectedResponseFilter}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "django.request": {"filters": ["expected_responses"]},
        },
    }
