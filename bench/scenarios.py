"""Page scenarios at several data sizes: p50/p95/max, SQL queries and the main query's floor.

    python -m bench.scenarios [--leads 10000,1000000] [--runs 20] [--reuse]
                              [--db 1000000=leadcrm_bench1m] [--skip-jobs]

For each size: generate the data (bench.generate; --reuse keeps a database that already
holds exactly that many generated leads), then request every page in-process with the
Django test client as the logged-in rep "bench-rep": one warm-up run (discarded), then
`--runs` timed runs without query logging, then one run under CaptureQueriesContext for
the query count. The "floor" is the time of the page's slowest SQL statement alone,
re-executed on a raw cursor (median of 5): what the page would cost with zero Python.
Then the overdue job (first run and re-run) and an import of 100,000 rows with 10 %
duplicates; both run in a transaction that is rolled back so that sizes stay exact.

Results: a table on stdout, bench/results/latest.json and bench/results/explain-<N>.txt
(EXPLAIN ANALYZE of each page's main query).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
PAGE_SCENARIOS = [
    "list_default",
    "list_filtered",
    "list_search",
    "list_sorted_score",
    "list_last_page",
    "lead_mask",
    "lead_board",
    "dashboard",
    "dashboard_period",
    "dashboard_live",
    "dashboard_campaign",
    "persons_tab",
    "selection",
]
TARGET_P50_MS = {
    "list_default": 30,
    "lead_mask": 30,
    "persons_tab": 30,
    "list_filtered": 50,
    "lead_board": 50,
    "selection": 50,
    "list_search": 80,
    "dashboard": 150,
    "dashboard_live": 150,  # issue #17: filtered by owner or campaign
    "dashboard_campaign": 150,
}
SEARCH_TERM = "Weber Solartechnik"


def _bench_campaign() -> int | str:
    """The first bench campaign (bench.generate); "" (no filter) on older bench data."""
    from leads.models import Campaign

    campaign = Campaign.objects.filter(slug="bench-kampagne-01").first()
    return campaign.pk if campaign else ""


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadcrm.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")  # as scripts/bench
    import django

    django.setup()
    from django.conf import settings

    # DEBUG stays as configured for static files, but no query log outside the counting run
    settings.DEBUG = False
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


_DEFAULT_NAME: list[str] = []  # the database DATABASE_URL names, remembered on first switch


def _switch_database(name: str | None) -> None:
    """Use database `name` for the next size; None: the one DATABASE_URL names."""
    from django.db import connection

    if not _DEFAULT_NAME:
        _DEFAULT_NAME.append(connection.settings_dict["NAME"])
    wanted = name or _DEFAULT_NAME[0]
    if connection.settings_dict["NAME"] != wanted:
        connection.close()
        connection.settings_dict["NAME"] = wanted


def _generated_leads() -> int | None:
    """N of the generated data in this database (marker written by bench.generate), or None
    when the data is missing or has drifted (more than 1 % extra leads from imports)."""
    from accounts.models import ListPreference
    from leads.models import Lead

    marker = ListPreference.objects.filter(user__username="bench-rep", key="bench").first()
    n = (marker.options or {}).get("leads") if marker else None
    if not n or Lead.objects.filter(pk__lte=n).count() != n:
        return None
    return n if Lead.objects.count() - n <= n // 100 else None


# --- the pages ---------------------------------------------------------------------------
def _urls() -> dict[str, str]:
    """One URL per page scenario, picked deterministically from the generated data."""
    from django.contrib.postgres.search import TrigramSimilarity  # noqa: F401 - needs contrib
    from django.urls import reverse

    from accounts.models import User
    from boards.models import Selection, SelectionKind, SelectionTarget
    from contacts.models import Company, LeadStatus
    from leads import selectors
    from leads.models import Lead

    rep = User.objects.get(username="bench-rep")
    status = LeadStatus.objects.filter(name="Kontaktiert").first() or LeadStatus.objects.first()
    total = Lead.objects.count()
    # the lead mask: a lead in the middle with a Geschäftspartner (contacts, activities)
    lead = (
        Lead.objects.filter(pk__gte=total // 2, customer__isnull=False).order_by("pk").first()
        or Lead.objects.order_by("pk").first()
    )
    # last page of the default order (newest first): the 25 oldest leads, reached by "Weiter"
    # links; keyset paging makes its cost that of any page. Its cursor is the 26th oldest.
    column, desc = selectors.parse_sort(selectors.DEFAULT_SORT)
    before_last = list(Lead.objects.order_by("created_at", "id")[:26])[-1]
    last_cursor = selectors._encode_cursor(before_last.created_at, before_last.pk, "after")
    company = (
        Company.objects.filter(category__lead_status_enabled=True).order_by("pk").first()
        or Company.objects.order_by("pk").first()
    )
    open_ids = [str(s.pk) for s in LeadStatus.objects.non_terminal()]
    selection, _ = Selection.objects.update_or_create(
        owner=rep,
        name="Bench: offene Personen",
        defaults={
            "target": SelectionTarget.PERSON,
            "kind": SelectionKind.DYNAMIC,
            "criteria": [{"field": "person.lead_status", "op": "in", "values": open_ids}],
            "shared": False,
        },
    )
    lead_list = reverse("leads:list")
    return {
        "list_default": lead_list,
        "list_filtered": f"{lead_list}?status={status.pk}&follow_up_by={rep.pk}",
        "list_search": f"{lead_list}?q={SEARCH_TERM.replace(' ', '+')}",
        "list_sorted_score": f"{lead_list}?sort=-score",
        "list_last_page": f"{lead_list}?cursor={last_cursor}",
        "lead_mask": reverse("leads:detail", args=[lead.pk]),
        "lead_board": reverse("boards:lead_board"),
        "dashboard": reverse("boards:dashboard"),
        # a filter bypasses the precomputed summary: every chart computed live
        # a period alone is served from its beat summary; an owner filter is computed live
        "dashboard_period": reverse("boards:dashboard") + "?period=365",
        "dashboard_live": reverse("boards:dashboard") + f"?owner={rep.pk}",
        "dashboard_campaign": reverse("boards:dashboard") + f"?campaign={_bench_campaign()}",
        "persons_tab": reverse("contacts:company_detail", args=[company.pk]) + "?tab=persons",
        "selection": reverse("boards:selection_detail", args=[selection.pk]),
    }


def _time_sql(sql: str, repeat: int = 5) -> float:
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql)
            if cursor.description:
                cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def _measure_page(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up, discarded
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    times, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    statements = [q["sql"] for q in ctx.captured_queries]
    floor_ms, main_sql = 0.0, ""
    for sql in statements:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        ms = _time_sql(sql, repeat=3)
        if ms > floor_ms:
            floor_ms, main_sql = ms, sql
    if main_sql:
        floor_ms = _time_sql(main_sql, repeat=7)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))], 1),
        "max_ms": round(times[-1], 1),
        # CPU time of this (Django) process alone: the page's Python cost, not waiting for a
        # core on a busy machine and not PostgreSQL's time
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "queries": len(statements),
        "floor_ms": round(floor_ms, 1),
        "runs": runs,
        "url": url,
        "_main_sql": main_sql,
    }


def run_pages(runs: int, explain_path: Path | None = None, only: set[str] | None = None) -> dict:
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench-rep"))
    urls = _urls()
    figures = {}
    try:  # what the beat job does every 5 minutes; the unfiltered dashboard serves it
        from boards.summary import refresh_summary

        started = time.perf_counter()
        refresh_summary()
        figures["dashboard_summary_refresh"] = {"seconds": round(time.perf_counter() - started, 2)}
        print(
            f"  dashboard summary refreshed in {figures['dashboard_summary_refresh']['seconds']} s"
        )
    except ImportError:
        pass
    explains = []
    for name in PAGE_SCENARIOS:
        if only and name not in only:
            continue
        # the live dashboard scans the table ten times: fewer runs keep the bench short
        result = _measure_page(
            client,
            urls[name],
            min(runs, 5) if name in ("dashboard_live", "dashboard_campaign") else runs,
        )
        main_sql = result.pop("_main_sql")
        if main_sql:
            explains.append(f"=== {name} ({result['url']})\n{main_sql}\n\n{_explain(main_sql)}\n")
        figures[name] = result
        print(
            f"  {name:<18} p50 {result['p50_ms']:>7.1f} ms  p95 {result['p95_ms']:>7.1f}  "
            f"max {result['max_ms']:>7.1f}  cpu {result['cpu_p50_ms']:>6.1f}  "
            f"queries {result['queries']:>2}  "
            f"floor {result['floor_ms']:>6.1f} ms",
            flush=True,
        )
    if explain_path and explains:
        explain_path.write_text("\n".join(explains))
    return figures


# --- jobs -----------------------------------------------------------------------------------
def run_overdue() -> dict:
    """The overdue job on the generated data, twice (rolled back afterwards)."""
    from django.db import transaction

    from leads.jobs.overdue import overdue_follow_ups_notify
    from notifications.models import Notification

    figures = {}
    with transaction.atomic():
        Notification.objects.filter(dedupe_key__startswith="overdue:").delete()
        for run in (1, 2):
            started = time.perf_counter()
            result = overdue_follow_ups_notify()
            seconds = time.perf_counter() - started
            key = "overdue_first_run" if run == 1 else "overdue_rerun"
            figures[key] = {
                "seconds": round(seconds, 2),
                "candidates": result.candidates,
                "created": result.created,
            }
            print(
                f"  {key:<18} {seconds:>7.2f} s  {result.candidates:,} candidates, "
                f"{result.created:,} notifications",
                flush=True,
            )
        transaction.set_rollback(True)
    return figures


def run_import(rows: int = 100_000, duplicate_share: float = 0.1) -> dict:
    """The import service on a CSV with duplicates, then removed again.

    It runs for real (batches committed as in the Celery task): wrapping it in one rolled
    back transaction would turn every batch's savepoints into ~100,000 subtransactions,
    which PostgreSQL handles far slower than production would. The imported leads stay
    (deleting them row by row with history takes longer than the import); it runs last for
    each size, and --reuse accepts at most 1 % extra leads, else the data is regenerated.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from bench.import_bench import _csv
    from capture.imports import files as import_files
    from capture.imports import run as import_runner
    from leads.models import DuplicateMode

    content = _csv(rows, duplicate_share)
    user = User.objects.get(username="bench-rep")
    lead_import = import_files.import_upload(
        upload=SimpleUploadedFile("bench.csv", content), user=user
    )
    lead_import.duplicate_mode = DuplicateMode.SKIP
    lead_import.save()
    started = time.perf_counter()
    import_runner.import_run(lead_import=lead_import, batch_size=500)
    seconds = time.perf_counter() - started
    lead_import.refresh_from_db()
    figures = {
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_s": round(rows / seconds, 1),
        "created": lead_import.created_count,
        "skipped_duplicates": lead_import.skipped_count,
        "failed": lead_import.failed_count,
    }
    print(
        f"  {'import':<18} {rows:,} rows in {seconds:.1f} s = {figures['rows_per_s']:,.0f} rows/s "
        f"({figures['created']:,} created, {figures['skipped_duplicates']:,} duplicates skipped)",
        flush=True,
    )
    return figures


# --- output --------------------------------------------------------------------------------
def _table(by_size: dict[int, dict]) -> str:
    sizes = sorted(by_size)
    head = f"{'scenario':<20}" + "".join(
        f"{'p50@' + _short(n):>11}{'p95':>8}{'cpu':>7}{'q':>4}{'floor':>8}" for n in sizes
    )
    if len(sizes) > 1:
        head += f"{'ratio':>7}{'target':>8}"
    lines = [head, "-" * len(head)]
    for name in PAGE_SCENARIOS:
        if not all(name in by_size[n]["scenarios"] for n in sizes):
            continue
        row = f"{name:<20}"
        for n in sizes:
            s = by_size[n]["scenarios"][name]
            row += f"{s['p50_ms']:>11.1f}{s['p95_ms']:>8.1f}{s.get('cpu_p50_ms', 0):>7.1f}"
            row += f"{s['queries']:>4}{s['floor_ms']:>8.1f}"
        if len(sizes) > 1:
            a, b = by_size[sizes[0]]["scenarios"][name], by_size[sizes[-1]]["scenarios"][name]
            row += f"{b['p50_ms'] / a['p50_ms']:>7.2f}" if a["p50_ms"] else f"{'':>7}"
            row += f"{TARGET_P50_MS.get(name, ''):>8}"
        lines.append(row)
    for n in sizes:
        jobs = by_size[n].get("jobs", {})
        if jobs:
            parts = []
            if "overdue_first_run" in jobs:
                parts.append(
                    f"overdue {jobs['overdue_first_run']['seconds']} s "
                    f"({jobs['overdue_first_run']['created']:,} notif.), "
                    f"re-run {jobs['overdue_rerun']['seconds']} s "
                    f"({jobs['overdue_rerun']['created']} notif.)"
                )
            if "import" in jobs:
                parts.append(f"import {jobs['import']['rows_per_s']:,.0f} rows/s")
            lines.append(f"{_short(n)} leads: " + "; ".join(parts))
    return "\n".join(lines)


def _short(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"


def _machine() -> dict:
    import platform

    from django.db import connection

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 2**20:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    try:
        load = os.getloadavg()
    except OSError:
        load = ()
    return {
        "load_average_1_5_15": [round(x, 1) for x in load],
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "python": platform.python_version(),
        "database": f"PostgreSQL {server} (shared_buffers {buffers})",
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.scenarios")
    parser.add_argument("--leads", default="10000,1000000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep matching generated data")
    parser.add_argument(
        "--db", action="append", default=[], help="N=dbname: use that database for size N"
    )
    parser.add_argument("--skip-jobs", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--only", default="", help="comma-separated page scenarios")
    parser.add_argument("--no-write", action="store_true", help="do not write latest.json")
    args = parser.parse_args(argv)
    sizes = [int(x.replace("_", "")) for x in args.leads.split(",") if x.strip()]
    databases = dict(item.split("=", 1) for item in args.db)
    only = {x for x in args.only.split(",") if x} or None

    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import generate

    if connection.vendor != "postgresql":
        raise SystemExit("bench.scenarios needs PostgreSQL (set DATABASE_URL)")
    RESULTS.mkdir(exist_ok=True)
    by_size: dict[int, dict] = {}
    for n in sizes:
        _switch_database(databases.get(str(n)))
        print(f"== {n:,} leads ({connection.settings_dict['NAME']})", flush=True)
        call_command("migrate", verbosity=0)
        if args.reuse and _generated_leads() == n:
            print("  reusing the generated data", flush=True)
            gen = {"reused": True}
        else:
            gen = generate(n, log=lambda m: print("  " + m, flush=True))
        entry = {
            "generate": gen,
            "scenarios": run_pages(args.runs, RESULTS / f"explain-{_short(n)}.txt", only),
        }
        if not args.skip_jobs:
            entry["jobs"] = run_overdue()
            if not args.skip_import:
                entry["jobs"]["import"] = run_import(rows=args.import_rows)
        by_size[n] = entry

    print()
    print(_table(by_size))
    result = {"machine": _machine(), "runs": args.runs, "sizes": {}}
    for n, entry in by_size.items():
        flat = {"leads": n, **entry["scenarios"]}
        for key, value in entry.get("jobs", {}).items():
            flat[key] = value
        flat["generate"] = entry["generate"]
        result["sizes"][str(n)] = flat
    if len(sizes) > 1:
        small, big = by_size[min(sizes)]["scenarios"], by_size[max(sizes)]["scenarios"]
        result["ratio"] = {
            name: round(big[name]["p50_ms"] / small[name]["p50_ms"], 2)
            for name in PAGE_SCENARIOS
            if name in big and name in small and small[name]["p50_ms"]
        }
        result["queries_identical"] = all(
            big[name]["queries"] == small[name]["queries"]
            for name in PAGE_SCENARIOS
            if name in big and name in small
        )
    # the largest size at top level: {"scenario": {...}, "leads": N, ...}
    top = max(sizes)
    result.update({k: v for k, v in result["sizes"][str(top)].items()})
    if not args.no_write:
        (RESULTS / "latest.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
        (RESULTS / "latest.txt").write_text(_table(by_size) + "\n")
    return result


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
