"""Sentry (optional extra, leadcrm/sentry.py): with SENTRY_DSN set, an error reaches the
DSN's server — a real HTTP server on loopback standing in for sentry.io — with its
request-less context and without personal data; without SENTRY_DSN nothing is set up."""

from __future__ import annotations

import gzip
import http.server
import os
import subprocess
import sys
import threading

import pytest

sentry_sdk = pytest.importorskip("sentry_sdk")  # the optional extra (requirements-sentry.txt)


class _Collector(http.server.BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        _Collector.bodies.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_an_error_is_reported_to_the_dsn():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Collector.bodies.clear()
    code = (
        "import django, logging, sentry_sdk; django.setup(); "
        "from sentry_sdk.integrations.django import DjangoIntegration; "
        "assert sentry_sdk.get_client().get_integration(DjangoIntegration) is not None; "
        "logging.getLogger('leads.probe').error('Sentry-Probe kaputt'); "
        "sentry_sdk.flush(5)"
    )
    env = {
        **os.environ,
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/42",
        "SENTRY_ENVIRONMENT": "test",
        "DJANGO_SETTINGS_MODULE": "leadcrm.settings",
    }
    try:
        result = subprocess.run(  # noqa: S603 - our interpreter, fixed code
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    events = b"".join(_Collector.bodies).decode()
    assert "Sentry-Probe kaputt" in events
    assert '"environment":"test"' in events.replace(" ", "")


def test_bad_sample_rate_refuses_to_start():
    env = {**os.environ, "SENTRY_DSN": "http://k@127.0.0.1:9/1", "SENTRY_TRACES_SAMPLE_RATE": "2"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import leadcrm.settings"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "SENTRY_TRACES_SAMPLE_RATE" in result.stderr


def test_without_dsn_sentry_is_not_initialised():
    from django.conf import settings

    assert not settings.SENTRY_DSN
    assert not sentry_sdk.get_client().is_active()
