"""Benchmark: the overdue follow-up job on many leads (PostgreSQL).

    python -m bench.overdue [--leads 1000000] [--overdue-share 0.05] [--owners 50]

Inserts the leads in one INSERT … SELECT generate_series (copies of one template lead),
runs the job twice and prints the time and the notifications created per run; the second
run must create none. Everything happens in one transaction that is rolled back at the
end (deleting a million leads row by row takes minutes), so the pages of the job are not
committed one by one as in production; the work per page is the same. Meant for a
throwaway database (scripts/bench); it refuses to run on SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.overdue")
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--overdue-share", type=float, default=0.05)
    parser.add_argument("--owners", type=int, default=50)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadcrm.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        raise SystemExit("bench.overdue needs PostgreSQL (set DATABASE_URL)")
    call_command("migrate", verbosity=0)

    with transaction.atomic():
        figures = _run(args)
        transaction.set_rollback(True)
    return figures


def _run(args) -> dict:
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from contacts.models import LeadStatus
    from leads.jobs.overdue import overdue_follow_ups_notify
    from leads.models import Lead

    prefix = "BENCH-"
    owners = [
        User.objects.get_or_create(username=f"bench-owner-{i}")[0].pk for i in range(args.owners)
    ]
    template = Lead.objects.create(
        number=f"{prefix}template",
        company_name="Bench GmbH",
        status=LeadStatus.objects.filter(is_default=True).first()
        or LeadStatus.objects.non_terminal().first(),
    )
    today = timezone.localdate()
    every = max(1, round(1 / args.overdue_share)) if args.overdue_share > 0 else 0
    columns = [
        f.column
        for f in Lead._meta.concrete_fields
        if f.column not in ("id", "number", "follow_up_by_id", "follow_up_until", "company_name")
    ]
    column_list = ", ".join(f'"{c}"' for c in columns)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO leads_lead (number, company_name, follow_up_by_id, follow_up_until,
                                    {column_list})
            SELECT %s || g, 'Firma ' || g, (%s::bigint[])[1 + g %% %s],
                   CASE WHEN %s > 0 AND g %% %s = 0 THEN %s::date ELSE %s::date END,
                   {", ".join(f't."{c}"' for c in columns)}
            FROM leads_lead t, generate_series(1, %s) AS g
            WHERE t.id = %s
            """,  # noqa: S608 - column names come from the model, values are parameters
            [
                prefix,
                owners,
                len(owners),
                every,
                every or 1,
                today - dt.timedelta(days=3),
                today + dt.timedelta(days=30),
                args.leads,
                template.pk,
            ],
        )
        cursor.execute("ANALYZE leads_lead")
    setup_s = time.perf_counter() - started

    figures = {"leads": args.leads, "setup_s": round(setup_s, 1)}
    print(f"setup: {args.leads:,} leads inserted in {setup_s:.1f} s")
    for run in (1, 2):
        started = time.perf_counter()
        result = overdue_follow_ups_notify()
        seconds = time.perf_counter() - started
        figures[f"run{run}_s"] = round(seconds, 2)
        figures[f"run{run}_created"] = result.created
        print(
            f"overdue run {run}: {args.leads:,} leads, {result.candidates:,} candidates, "
            f"{result.created:,} notifications created in {seconds:.2f} s"
        )
    return figures


if __name__ == "__main__":
    main()
