"""Benchmark: lead import throughput (rows/s) for a CSV with duplicates.

    python -m bench.import_bench [--rows 100000] [--duplicate-share 0.1] [--batch 1000]
                                 [--mode skip|update|create] [--with-rule]

Writes a semicolon-separated UTF-8 CSV with German data where every tenth row repeats the
e-mail address of an earlier row, uploads it (sniffing, counting) and runs the import in
"skip duplicates" mode (or --mode) exactly as the Celery task does: batches of
`import_files.BATCH_SIZE`
rows, each in one transaction, duplicate lookup per batch, the batch's new leads through
`leads_bulk_create` (numbers, history, status changes, distribution). Prints upload time,
import time and rows/s. The leads stay in the database: meant for a throwaway database
(scripts/bench). Works on PostgreSQL and SQLite.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import time


def _csv(rows: int, duplicate_share: float, seed: int = 7) -> bytes:
    rnd = random.Random(seed)
    run = int(time.time())  # fresh addresses per run: earlier runs' leads are no duplicates
    cities = ["München", "Berlin", "Köln", "Hamburg", "Stuttgart", "Leipzig", "Nürnberg"]
    forms = ["GmbH", "AG", "GmbH & Co. KG", "e.K.", "UG (haftungsbeschränkt)", "KG"]
    every = max(2, round(1 / duplicate_share)) if duplicate_share > 0 else 0
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Firma", "Anrede", "Vorname", "Nachname", "E-Mail", "Telefon", "PLZ", "Ort"])
    emails: list[str] = []
    for i in range(1, rows + 1):
        if every and i % every == 0 and emails:
            email = rnd.choice(emails).upper()  # a duplicate, spelled differently
        else:
            email = f"kontakt{i}.{run}@firma-{i}.de"
            emails.append(email)
        writer.writerow(
            [
                f"Firma {i} {rnd.choice(forms)}",
                rnd.choice(["Herr", "Frau"]),
                rnd.choice(["Anna", "Jonas", "Petra", "Max", "Julia", "Jürgen"]),
                f"Müller-{i}",
                email,
                f"+49 30 {run % 100000:05d} {i:06d}",  # unique per run too
                f"{80000 + i % 9999:05d}",
                rnd.choice(cities),
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.import_bench")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--duplicate-share", type=float, default=0.1)
    parser.add_argument("--batch", type=int, default=None, help="default: import_files.BATCH_SIZE")
    parser.add_argument(
        "--mode", choices=["skip", "update", "create"], default="skip", help="duplicates"
    )
    parser.add_argument(
        "--with-rule",
        action="store_true",
        help="distribute the new leads by a round-robin rule over 5 users during the run",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadcrm.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from capture.imports import files as import_files
    from capture.imports import run as import_runner
    from leads.models import DuplicateMode, Lead

    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(username="bench-importer")
    content = _csv(args.rows, args.duplicate_share)

    started = time.perf_counter()
    lead_import = import_files.import_upload(
        upload=SimpleUploadedFile("bench.csv", content), user=user
    )
    upload_s = time.perf_counter() - started
    lead_import.duplicate_mode = DuplicateMode(args.mode)
    lead_import.save()

    rule = _bench_rule() if args.with_rule else None
    last_pk = Lead.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    backend = _backend_cpu_reader(connection)
    db_cpu_before = backend()
    cpu_before = time.process_time()
    started = time.perf_counter()
    try:
        with CaptureQueriesContext(connection) as queries:
            import_runner.import_run(lead_import=lead_import, batch_size=args.batch)
    finally:
        if rule is not None:
            rule.delete()
    import_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_before
    db_cpu_s = backend() - db_cpu_before if db_cpu_before is not None else None
    lead_import.refresh_from_db()
    figures = {
        "database": connection.vendor,
        "rows": args.rows,
        "file_mb": round(len(content) / 2**20, 2),
        "upload_s": round(upload_s, 2),
        "import_s": round(import_s, 1),
        "rows_per_s": round(args.rows / import_s, 1),
        "created": lead_import.created_count,
        "mode": args.mode,
        "updated": lead_import.updated_count,
        "skipped_duplicates": lead_import.skipped_count,
        "failed": lead_import.failed_count,
        "assigned_by_rule": (
            Lead.objects.filter(pk__gt=last_pk, follow_up_by__isnull=False).count()
            if rule is not None
            else "-"
        ),
        "sql_per_1000_rows": round(len(queries) * 1000 / args.rows, 1),
        # CPU seconds of this process and of its database backend: steadier than the wall
        # clock on a shared machine; rows / (python + db) is the rate of one idle core each
        "python_cpu_s": round(cpu_s, 1),
        "db_backend_cpu_s": round(db_cpu_s, 1) if db_cpu_s is not None else "-",
        "rows_per_cpu_s": round(args.rows / (cpu_s + (db_cpu_s or 0)), 1),
    }
    for key, value in figures.items():
        print(f"{key:>20}: {value}")
    return figures


def _backend_cpu_reader(connection):
    """A function giving the CPU seconds of this connection's PostgreSQL backend process so
    far (from /proc, when the server runs on this machine), else None."""
    if connection.vendor != "postgresql":
        return lambda: None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")

    def read():
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    return read


def _bench_rule():
    """A round-robin rule over five active users, matching every lead (deleted afterwards)."""
    from accounts.models import User
    from leads.models import AssignmentMember, AssignmentRule

    users = list(User.objects.filter(is_active=True).order_by("pk")[:5])
    rule = AssignmentRule.objects.create(name="Benchmark-Import", rank=0)
    AssignmentMember.objects.bulk_create(AssignmentMember(rule=rule, user=u) for u in users)
    return rule


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
