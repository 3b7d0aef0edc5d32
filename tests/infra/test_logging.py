"""Structured logs (leadcrm/logging_config.py, logging_context.py): one JSON object per
line with request id, user id and Celery task id; expected 403/404 as one line without a
traceback; LOG_FORMAT switches between JSON (production default) and console lines."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from celery import shared_task
from django.urls import reverse

from leadcrm.logging_config import ExpectedResponseFilter, make_formatter
from leadcrm.logging_context import request_id_for

probe_logger = logging.getLogger("tests.infra.probe")


@shared_task(name="tests.infra.log_probe")
def log_probe() -> str:
    probe_logger.warning("probe task ran")
    return "ok"


@pytest.fixture
def json_lines():
    """Everything logged during the test, as the production handler renders it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(make_formatter("json"))
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    lines: list[dict] = []

    def read() -> list[dict]:
        lines[:] = [json.loads(line) for line in stream.getvalue().splitlines() if line]
        return lines

    yield read
    root.removeHandler(handler)
    root.setLevel(previous)


def _one(lines, **match) -> dict:
    found = [line for line in lines if all(line.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, lines)
    return found[0]


@pytest.mark.django_db
def test_permission_denied_is_one_line_with_request_and_user_id(
    outsider, outsider_client, json_lines
):
    response = outsider_client.get(reverse("leads:list"))
    assert response.status_code == 403
    lines = json_lines()
    line = _one(lines, logger="django.request")
    assert line["level"] == "warning"
    assert line["status_code"] == 403
    assert line["event"].startswith("Forbidden")
    assert "exception" not in line and "Traceback" not in json.dumps(line)
    assert line["user_id"] == outsider.pk
    assert line["request_id"] == response["X-Request-ID"]
    finished = _one(lines, event="request_finished")
    assert finished["status_code"] == 403 and finished["request_id"] == line["request_id"]
    assert finished["path"] == reverse("leads:list") and finished["method"] == "GET"


@pytest.mark.django_db
def test_not_found_is_one_line_and_the_proxy_request_id_is_kept(rep, rep_client, json_lines):
    response = rep_client.get(
        reverse("leads:detail", args=[999_999_999]), HTTP_X_REQUEST_ID="nginx-abc-12345"
    )
    assert response.status_code == 404
    assert response["X-Request-ID"] == "nginx-abc-12345"
    line = _one(json_lines(), logger="django.request")
    assert line["status_code"] == 404 and "exception" not in line
    assert line["request_id"] == "nginx-abc-12345" and line["user_id"] == rep.pk


@pytest.mark.parametrize(
    "header, kept",
    [
        ("abcdef12", True),
        ("a" * 64, True),
        ("short", False),
        ("a" * 65, False),
        ("<script>x</script>", False),
        ("id with spaces", False),
        ("", False),
    ],
)
def test_request_id_from_the_proxy_only_when_it_is_a_safe_token(header, kept):
    assert (request_id_for(header) == header) is kept
    assert len(request_id_for("")) == 32


def test_anonymous_request_has_no_user_id(client, json_lines):
    response = client.get(reverse("health_live"))
    line = _one(json_lines(), event="request_finished")
    assert line["user_id"] is None and line["request_id"] == response["X-Request-ID"]


def test_unexpected_errors_keep_their_traceback():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), None)
    try:
        raise RuntimeError("kaputt")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    record.status_code = 500
    ExpectedResponseFilter().filter(record)
    rendered = json.loads(make_formatter("json").format(record))
    assert "RuntimeError: kaputt" in rendered["exception"]
    assert rendered["status_code"] == 500
    record.status_code = 403
    ExpectedResponseFilter().filter(record)
    assert "exception" not in json.loads(make_formatter("json").format(record))


def test_a_celery_task_logs_its_task_id(json_lines):
    result = log_probe.apply()
    line = _one(json_lines(), event="probe task ran")
    assert line["task_id"] == result.id
    assert line["task"] == "tests.infra.log_probe"


def test_console_format_is_a_readable_line():
    record = logging.LogRecord("leads.x", logging.WARNING, __file__, 1, "hallo %s", ("welt",), None)
    text = make_formatter("console").format(record)
    assert "hallo welt" in text and "warning" in text and not text.startswith("{")


def _settings_value(code: str, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("LOG_FORMAT", "DEBUG")}
    return subprocess.run(  # noqa: S603 - our interpreter, fixed code
        [sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True
    )


def test_json_is_the_production_default_and_a_bad_format_refuses_to_start():
    code = "from leadcrm import settings as s; print(s.LOG_FORMAT)"
    production = {"DEBUG": "False", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "localhost"}
    assert _settings_value(code, **production).stdout.strip() == "json"
    assert _settings_value(code).stdout.strip() == "console"  # DEBUG defaults to True
    bad = _settings_value(code, LOG_FORMAT="xml")
    assert bad.returncode != 0 and "LOG_FORMAT" in bad.stderr
