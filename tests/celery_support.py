"""Real Redis and real Celery workers for the reliability and fault tests.

- `RedisServer`: a throwaway redis-server on a free loopback port that a test can kill
  (SIGKILL) and start again on the same port and data directory.
- `make_app()`: a Celery app on a given broker (not eager), built from the Django settings.
- `embedded_worker()`: a worker thread of such an app (celery.contrib.testing), which puts
  back the process's current and default Celery app afterwards; the following tests would
  otherwise publish to this test's (dead) Redis instead of running eagerly.
- A worker subprocess is started with `celery -A tests.celery_support worker`; it reads the
  broker from LEADCRM_TEST_BROKER and a short visibility timeout from
  LEADCRM_TEST_VISIBILITY_TIMEOUT, so a message of a killed worker comes back in seconds
  (production keeps the settings' value).
"""

import os
import random
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from celery import Celery, shared_task

from leadcrm.queues import QUEUES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadcrm.settings")


def make_app(broker_url: str | None = None, visibility_timeout: int | None = None) -> Celery:
    broker_url = broker_url or os.environ.get("LEADCRM_TEST_BROKER", "memory://")
    visibility_timeout = visibility_timeout or int(
        os.environ.get("LEADCRM_TEST_VISIBILITY_TIMEOUT", "3600")
    )
    app = Celery("leadcrm-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=broker_url,
        result_backend=None,
        task_always_eager=False,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        broker_transport_options={
            "visibility_timeout": visibility_timeout,
            # look for messages of dead workers every second instead of every 10 s
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        },
        worker_hijack_root_logger=False,
    )
    app.autodiscover_tasks()
    return app


app = make_app()


def _ephemeral_ports() -> range:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return range(int(low), int(high) + 1)
    except (OSError, ValueError):
        return range(32768, 61000)


def free_port() -> int:
    """A free loopback port below the kernel's ephemeral range: a server restarted on it
    cannot find it taken by some client's outgoing connection in the meantime."""
    ephemeral = _ephemeral_ports()
    for _attempt in range(50):
        port = random.randrange(20000, max(ephemeral.start, 20001))  # noqa: S311 - not crypto
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.1):
    """Poll until `predicate()` is truthy and return its value; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class RedisExited(AssertionError):
    pass


class RedisServer:
    """A throwaway redis-server that can be killed and restarted on the same data dir.

    AOF with fsync on every write, so what was queued before a SIGKILL is there again
    after `start()`.
    """

    def __init__(self, directory: Path):
        self.dir = directory
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.started_once = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start, or start again on the same port and data. Only a first start may move to
        another free port (another test's server took this one since `free_port()`)."""
        attempts = 1 if self.started_once else 3
        for attempt in range(attempts):
            self.dir.mkdir(parents=True, exist_ok=True)
            self.proc = subprocess.Popen(  # noqa: S603 - fixed argument list
                [  # noqa: S607 - redis-server from PATH, like scripts/lib.sh
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "yes",
                    "--appendfsync",
                    "always",
                    "--dir",
                    str(self.dir),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait_for(self._started, 20, f"redis to start on port {self.port}")
            except RedisExited:
                if attempt + 1 == attempts:
                    raise
                self.port = free_port()
            else:
                self.started_once = True
                return

    def _started(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise RedisExited(f"redis-server exited ({self.proc.returncode}), port {self.port}")
        return self._answering_pid() == self.proc.pid  # ours, not a server that had the port

    def _answering_pid(self) -> int | None:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"INFO server\r\n")
                data = b""
                while not re.search(rb"process_id:\d+\r\n", data):
                    chunk = sock.recv(4096)
                    if not chunk:
                        return None
                    data += chunk
        except OSError:
            return None
        return int(re.search(rb"process_id:(\d+)", data).group(1))

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL, as when the host or container dies; returns once the port is closed."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def current_app(celery_app: Celery) -> Iterator[Celery]:
    """Make `celery_app` the current and default app (shared tasks' `.delay()` go through
    it, in this thread and in worker threads), and put the previous ones back after."""
    from celery import _state

    saved_current, saved_default = _state._tls.current_app, _state.default_app
    celery_app.set_current()
    celery_app.set_default()
    try:
        yield celery_app
    finally:
        _state._set_current_app(saved_current)
        _state.set_default_app(saved_default)


@contextmanager
def embedded_worker(
    celery_app: Celery, shutdown_timeout: float = 30, queues: list[str] | None = None
) -> Iterator[Any]:
    """A solo worker in a thread of this process (so it shares `mail.outbox`); `queues`
    limits what it consumes (default: every queue of leadcrm/queues.py)."""
    from celery.contrib.testing.worker import start_worker

    with current_app(celery_app):
        with start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=shutdown_timeout,
            loglevel="WARNING",
            queues=queues or list(QUEUES),
        ) as worker:
            yield worker


@shared_task(
    name="tests.celery_support.record_effect",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def record_effect(self, user_id: int, key: str, sleep: float) -> None:
    """Record an attempt, then the effect (guarded by its unique key), then sleep.

    Only the first attempt sleeps, so a redelivered copy finishes at once. The rows are
    notifications because their (recipient, dedupe_key) constraint is the guard the real
    jobs use.
    """
    from notifications.models import Kind, Notification

    def row(title: str, dedupe_key: str) -> Notification:
        return Notification(
            recipient_id=user_id, kind=Kind.SYSTEM, title=title, dedupe_key=dedupe_key
        )

    first_attempt = not Notification.objects.filter(
        recipient_id=user_id, dedupe_key__startswith=f"{key}:attempt:"
    ).exists()
    Notification.objects.bulk_create(
        [row(f"attempt {os.getpid()}", f"{key}:attempt:{os.getpid()}")], ignore_conflicts=True
    )
    Notification.objects.bulk_create([row("effect", key)], ignore_conflicts=True)
    if first_attempt:
        time.sleep(sleep)
    Notification.objects.bulk_create(
        [row(f"done {os.getpid()}", f"{key}:done:{os.getpid()}")], ignore_conflicts=True
    )


class Finished:
    """Return values of tasks finished by the worker, per task name (a `task_postrun`
    receiver)."""

    def __init__(self):
        self.results: dict[str, list] = {}
        self.lock = threading.Lock()

    def __call__(self, sender=None, retval=None, state=None, **kwargs):
        with self.lock:
            self.results.setdefault(sender.name, []).append((state, retval))

    def of(self, name: str) -> list:
        with self.lock:
            return list(self.results.get(name, []))
