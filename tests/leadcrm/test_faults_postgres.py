"""Faults on PostgreSQL.

1. 20 threads save the same lead through `leads.services.lead_update`, round after round,
   each with the version it read: exactly one wins per version, all others get
   ConflictError, and the final state is exactly the winners' sequence (no lost update).
2. PostgreSQL is restarted while gunicorn serves requests: during the outage the app
   answers errors (never hangs), afterwards it recovers by itself (CONN_HEALTH_CHECKS
   drops the dead persistent connections) without restarting the app. It runs its own
   throwaway cluster (skipped when initdb is missing).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from leads.errors import ConflictError
from leads.models import Lead
from leads.services.lead import lead_create, lead_update

ROOT = Path(__file__).resolve().parents[2]
THREADS = 20
ROUNDS = 5


def _round(lead_pk: int, users: list, round_no: int) -> dict[str, object]:
    """All threads read the lead, wait for each other, then save what they read + their name."""
    start = Lead.objects.get(pk=lead_pk)
    barrier = threading.Barrier(THREADS)
    results: dict[str, object] = {}

    def save(name: str, user) -> None:
        try:
            barrier.wait(timeout=20)
            lead_update(
                lead=Lead.objects.get(pk=lead_pk),
                data={"notes": f"{start.notes}|{name}"},
                user=user,
                expected_version=start.version,
            )
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - ConflictError expected, others reported
            results[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(f"r{round_no}t{i}", users[i % len(users)]))
        for i in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_threads_one_winner_per_version_no_lost_update(rep, teammate, manager):
    lead = lead_create(
        data={"company_name": "Parallel GmbH", "email": "info@parallel-beispiel.de", "notes": ""},
        user=rep,
    ).lead
    winners: list[str] = []
    for round_no in range(ROUNDS):
        results = _round(lead.pk, [rep, teammate, manager], round_no)
        ok = [name for name, value in results.items() if value == "ok"]
        others = [value for value in results.values() if value != "ok"]
        assert len(results) == THREADS
        assert len(ok) == 1, results
        assert all(isinstance(value, ConflictError) for value in others), others
        winners.append(ok[0])
    lead.refresh_from_db()
    assert lead.version == 1 + ROUNDS
    assert lead.notes == "".join(f"|{name}" for name in winners)


# --------------------------------------------------------------------------- restart


def _pg_bindir() -> str | None:
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return str(Path(os.path.realpath(found)).parent)
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return str(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


class Cluster:
    def __init__(self, bindir: str):
        self.bindir = bindir
        self.dir = tempfile.mkdtemp(prefix="leadcrm-fault-pg.")
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        os.chmod(self.dir, 0o700)

    def run(self, *argv: str, check=True):
        return subprocess.run(  # noqa: S603 - fixed argv
            _as_postgres([f"{self.bindir}/{argv[0]}", *argv[1:]]),
            check=check,
            capture_output=True,
            timeout=120,
        )

    def init(self):
        self.run("initdb", "-D", f"{self.dir}/data", "-U", "postgres", "-A", "trust", "-E", "UTF8")
        self.start()
        subprocess.run(  # noqa: S603
            [
                f"{self.bindir}/createdb",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "leadcrm",
            ],
            check=True,
            timeout=60,
        )

    def start(self):
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self.run(
            "pg_ctl",
            "-D",
            f"{self.dir}/data",
            "-l",
            f"{self.dir}/server.log",
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )

    def stop(self, mode="fast"):
        self.run(
            "pg_ctl", "-D", f"{self.dir}/data", "-m", mode, "-w", "-t", "30", "stop", check=False
        )

    def destroy(self):
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/leadcrm"


def _get(url: str, cookie: str = "", timeout: float = 10) -> int:
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http://127.0.0.1 only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return 0  # no answer at all


SESSION_SNIPPET = """
from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
user = get_user_model().objects.create_user("fault", password="Sonnen-Dach-Falter-42")
user.groups.add(Group.objects.get(name="Vertrieb"))
s = SessionStore()
s[SESSION_KEY] = str(user.pk)
s[BACKEND_SESSION_KEY] = "accounts.backends.RoleModelBackend"
s[HASH_SESSION_KEY] = user.get_session_auth_hash()
s.create()
print(s.session_key)
"""


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_restart_while_serving_recovers_by_itself(tmp_path):
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("initdb/pg_ctl not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("runuser missing (initdb refuses to run as root)")
    cluster = Cluster(bindir)
    server = None
    try:
        cluster.init()
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url,
            "DEBUG": "True",
            "CONN_MAX_AGE": "600",  # persistent connections: the case health checks fix
            "VAR_DIR": str(tmp_path),
            "AXES_ENABLED": "false",
        }
        for key in ("REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"):
            env.pop(key, None)
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        session = (
            subprocess.run(  # noqa: S603
                [sys.executable, "manage.py", "shell", "-c", SESSION_SNIPPET],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
                timeout=120,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        cookie = f"sessionid={session}"
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "leadcrm.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "gunicorn.log", "w"),
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while _get(f"{base}/health/") != 200:
            assert time.monotonic() < deadline, "gunicorn did not come up"
            time.sleep(0.3)
        pages = [f"{base}/health/", f"{base}/leads/", f"{base}/boards/board/"]
        for url in pages:
            assert _get(url, cookie) == 200, url

        # requests keep running in the background the whole time
        stop = threading.Event()
        seen: list[tuple[float, float, int]] = []  # (start, end, status)

        def hammer():
            while not stop.is_set():
                started = time.monotonic()
                code = _get(f"{base}/leads/", cookie, timeout=15)
                seen.append((started, time.monotonic(), code))
                time.sleep(0.05)

        worker = threading.Thread(target=hammer)
        worker.start()
        time.sleep(1)
        # taken before the stop: a request failing while pg_ctl shuts down is "during"
        outage_started = time.monotonic()
        cluster.stop("fast")
        time.sleep(2)
        # (health is asked without the session cookie, like a load balancer does)
        during = [_get(url, "" if "health" in url else cookie, timeout=15) for url in pages]
        cluster.start()
        outage_ended = time.monotonic()
        time.sleep(0.5)
        recovered = [_get(url, "" if "health" in url else cookie) for url in pages]
        time.sleep(1)
        stop.set()
        worker.join(timeout=30)

        # during the outage: errors, quickly (no hang), health says 503
        assert during[0] == 503, during
        assert all(code >= 500 for code in during), during
        # afterwards: everything answers again without restarting the app
        assert recovered == [200, 200, 200], recovered
        after = [code for start, _end, code in seen if start > outage_ended + 0.5]
        assert after and all(code == 200 for code in after), after
        before = [code for _start, end, code in seen if end < outage_started]
        assert before and all(code == 200 for code in before), before
        assert 0 not in [code for *_, code in seen], "a request got no answer at all"
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        cluster.destroy()
