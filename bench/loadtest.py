"""Bounded load test on loopback: gunicorn (2 workers) serving the lead list and the board.

    DATABASE_URL=postgres://…/leadcrm_bench python -m bench.loadtest \
        [--generate 1000000] [--seconds 30] [--clients 8] [--workers 2]

Uses the database in DATABASE_URL as it is (run bench/generate.py first, or pass
--generate N to call it; it truncates, so use a separate bench database). Logs in as
"bench-rep" when it exists (the generator creates it), else creates a Vertrieb user. The
load comes from `wrk` when installed (apt-get install wrk), otherwise from a small Python
thread client. At most 60 s of load. It reports requests, error rate and p50/p95/p99 per
page and never fails (exit 0), so it can run on any machine without flaking CI.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("/leads/", "/boards/board/")
MAX_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_cookie() -> str:
    """A logged-in session of a Vertrieb user, created directly in the database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadcrm.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import Role, User

    user = User.objects.filter(username="bench-rep").first()
    if user is None:
        user, _created = User.objects.get_or_create(username="loadtest-rep")
        user.groups.add(Group.objects.get_or_create(name=Role.SALES)[0])
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.RoleModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"sessionid={store.session_key}"


def _get(url: str, cookie: str) -> tuple[int, float]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 - loopback
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 # nosec B310
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        status = 0
    return status, time.perf_counter() - start


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def python_load(base: str, cookie: str, seconds: float, clients: int) -> dict[str, dict]:
    results: dict[str, list[tuple[int, float]]] = {page: [] for page in PAGES}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        page = PAGES[index % len(PAGES)]
        while time.monotonic() < stop:
            outcome = _get(base + page, cookie)
            with lock:
                results[page].append(outcome)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = {}
    for page, outcomes in results.items():
        times = [t for status, t in outcomes if status == 200]
        errors = sum(1 for status, _t in outcomes if status != 200)
        report[page] = {
            "requests": len(outcomes),
            "errors": errors,
            "error_rate": errors / len(outcomes) if outcomes else float("nan"),
            "rps": len(outcomes) / seconds,
            "p50_ms": 1000 * (statistics.median(times) if times else float("nan")),
            "p95_ms": 1000 * _percentile(times, 0.95),
            "p99_ms": 1000 * _percentile(times, 0.99),
        }
    return report


def wrk_load(base: str, cookie: str, seconds: float, clients: int) -> dict[str, dict]:
    """Each page for seconds/len(PAGES) with wrk (2 threads); bench/wrk_report.lua prints the
    percentiles and errors as one line that is parsed here."""
    report = {}
    per_page = max(1, int(seconds / len(PAGES)))
    script = ROOT / "bench" / "wrk_report.lua"
    for page in PAGES:
        out = subprocess.run(  # noqa: S603 - fixed argv
            [
                shutil.which("wrk") or "wrk",
                "-t",
                "2",
                "-c",
                str(clients),
                "-d",
                f"{per_page}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                "-H",
                f"Cookie: {cookie}",
                base + page,
            ],
            capture_output=True,
            text=True,
            timeout=per_page + 60,
        ).stdout
        line = next((x for x in out.splitlines() if x.startswith("LOADTEST ")), "")
        figures = dict(part.split("=", 1) for part in line.split()[1:])
        if not figures:
            report[page] = {"wrk": out.strip()}
            continue
        requests, errors = int(figures["requests"]), int(figures["errors"])
        report[page] = {
            "requests": requests,
            "errors": errors,
            "error_rate": errors / requests if requests else float("nan"),
            "rps": requests / float(figures["duration_s"]),
            "p50_ms": float(figures["p50_ms"]),
            "p95_ms": float(figures["p95_ms"]),
            "p99_ms": float(figures["p99_ms"]),
        }
    return report


def _production_env() -> dict[str, str]:
    """The app as in production (DEBUG off, manifest static files, no query log), on plain
    HTTP loopback: no TLS redirect and no HSTS. Login lockout off for the fixed session."""
    return {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ANYMAIL_WEBHOOK_SECRET": "bench:" + secrets.token_urlsafe(16),  # ui/checks.py
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(ROOT / "var" / "loadtest-static"),
        "AXES_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--generate", type=int, default=0, help="run bench.generate first")
    parser.add_argument("--python-client", action="store_true", help="ignore wrk")
    parser.add_argument("--out", default="", help="append the report to this file")
    args = parser.parse_args(argv)
    seconds = min(args.seconds, MAX_SECONDS)

    if args.generate and (ROOT / "bench" / "generate.py").exists():
        print(f"generating {args.generate} leads …", flush=True)
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.generate", "--leads", str(args.generate)],
            cwd=ROOT,
            check=False,
        )
    env = _production_env()
    # the session is signed with the server's SECRET_KEY: create it under the same settings
    os.environ.update({k: env[k] for k in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")})
    cookie = _session_cookie()
    from leads.models import Lead

    leads = Lead.objects.count()
    port = _free_port()
    (ROOT / "var").mkdir(exist_ok=True)
    subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    log = open(ROOT / "var" / "loadtest-gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "leadcrm.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while _get(base + "/health/", "")[0] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                print("gunicorn did not start; see var/loadtest-gunicorn.log")
                return 0
            time.sleep(0.3)
        for page in PAGES:  # warm up (imports, template caches)
            _get(base + page, cookie)
        use_wrk = shutil.which("wrk") and not args.python_client
        print(
            f"load: {seconds:.0f} s, {args.clients} clients, gunicorn {args.workers} workers, "
            f"{leads:,} leads, client={'wrk' if use_wrk else 'python threads'}",
            flush=True,
        )
        loader = wrk_load if use_wrk else python_load
        report = loader(base, cookie, seconds, args.clients)
        lines = [
            f"# {time.strftime('%Y-%m-%d %H:%M')} {leads:,} leads, {seconds:.0f} s, "
            f"{args.clients} clients, gunicorn {args.workers} sync workers, DEBUG off, "
            f"client {'wrk' if use_wrk else 'python threads'}"
        ]
        for page, figures in report.items():
            if "wrk" in figures:
                lines.append(f"== {page}\n{figures['wrk']}")
                continue
            lines.append(
                f"{page:18} requests={figures['requests']:6d} rps={figures['rps']:7.1f} "
                f"errors={figures['errors']} ({figures['error_rate']:.1%}) "
                f"p50={figures['p50_ms']:.0f} ms p95={figures['p95_ms']:.0f} ms "
                f"p99={figures['p99_ms']:.0f} ms"
            )
        print("\n".join(lines))
        if args.out:
            with open(args.out, "a", encoding="utf-8") as out:
                out.write("\n".join(lines) + "\n")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
