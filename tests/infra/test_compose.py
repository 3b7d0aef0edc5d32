"""docker-compose: migrations run once in the one-off `migrate` service that web, worker
and beat wait for; the entrypoint no longer migrates; web and worker have health checks;
uploads switch to S3 through the environment only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_migrations_run_once_before_the_app_services():
    migrate = SERVICES["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    assert "migrate" not in migrate["depends_on"]
    app_services = [n for n, s in SERVICES.items() if s.get("image") == "leadcrm:latest"]
    assert {"web", "worker-mail", "worker-default", "worker-bulk", "beat", "migrate"} <= set(
        app_services
    )
    for name in set(app_services) - {"migrate"}:
        assert SERVICES[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    commands = [line for line in entrypoint.splitlines() if not line.lstrip().startswith("#")]
    assert not any("migrate" in line for line in commands)


def test_web_is_healthy_when_ready_and_the_proxy_waits_for_it():
    check = SERVICES["web"]["healthcheck"]["test"]
    assert check == ["CMD", "python", "docker/healthcheck.py", "/health/ready/"]
    assert SERVICES["proxy"]["depends_on"]["web"] == {"condition": "service_healthy"}
    assert (ROOT / "docker" / "healthcheck.py").exists()


def test_one_worker_per_queue_each_with_a_celery_ping():
    """Every queue of leadcrm/queues.py has its own worker service (an import on `bulk`
    never waits in front of a mail), each healthy while it answers its own ping; one beat."""
    from leadcrm.queues import QUEUES

    consumed = {}
    for name, service in SERVICES.items():
        command = service.get("command") or []
        if command[:4] == ["celery", "-A", "leadcrm", "worker"]:
            queue = command[command.index("-Q") + 1]
            consumed[queue] = name
            check = " ".join(service["healthcheck"]["test"])
            assert "celery -A leadcrm inspect ping" in check and "pong" in check, name
            assert service["environment"]["WORKER_NAME"] == queue, name
            assert f"{queue}@%h" in command, name
    assert set(consumed) == set(QUEUES)
    beats = [n for n, s in SERVICES.items() if "beat" in (s.get("command") or [])]
    assert beats == ["beat"] and "deploy" not in SERVICES["beat"]


def test_storage_and_logs_come_from_the_environment():
    env = SERVICES["web"]["environment"]
    for name in ("S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID"):
        assert env[name].startswith("${" + name), name
    assert env["LOG_FORMAT"] == "${LOG_FORMAT:-json}"
    assert env["PROMETHEUS_MULTIPROC_DIR"]
    assert "docker/gunicorn.conf.py" in SERVICES["web"]["command"]


def _probe(base_url: str, path: str) -> int:
    env = {**os.environ, "HEALTHCHECK_BASE_URL": base_url, "ALLOWED_HOSTS": "localhost"}
    return subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, str(ROOT / "docker" / "healthcheck.py"), path], env=env, timeout=30
    ).returncode


def test_container_probe_against_a_running_server(live_server):
    assert _probe(live_server.url, "/health/live/") == 0
    assert _probe(live_server.url, "/gibt-es-nicht/") == 1
    assert _probe("http://127.0.0.1:9", "/health/live/") == 1  # nothing listening
