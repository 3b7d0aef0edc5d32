"""The navbar's global search (search/) at the data size in the database: p50/p95, queries.

    python -m bench.search [--runs 30] [--user bench-rep]   (needs DATABASE_URL, PostgreSQL)

Runs against data from `python -m bench.generate` (or any database with leads): a company
name, a lead number, and one lead's phone in three notations (national with a space,
national without, international), each as the navbar's dropdown request (HX, 5 per group)
and as the results page (20 per group). One warm-up request, then `--runs` timed ones with
the Django test client as the given user; then one under CaptureQueriesContext for the
query count. Issue 16 asks for p50 ≤ 50 ms at 1M leads. Figures, never a verdict on time.
Not part of `python -m bench.scenarios` (that module is at its size limit); scripts/bench
may call this one after it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadcrm.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def _queries() -> dict[str, str]:
    """Search terms picked deterministically from the data."""
    import phonenumbers

    from contacts.models import Company
    from leads.models import Lead

    lead = Lead.objects.exclude(phone="").order_by("pk")[Lead.objects.count() // 2 :].first()
    company = Company.objects.order_by("pk").first()
    terms = {"name": (company.name.split() or ["Solar"])[0] if company else "Solar"}
    if lead is not None:
        terms["number"] = lead.number
        number = phonenumbers.parse(str(lead.phone), "DE")
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        terms["phone_national"] = national
        terms["phone_digits"] = "".join(ch for ch in national if ch.isdigit())
        terms["phone_e164_spaced"] = phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    return terms


def _measure(client, params: dict, headers: dict, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/suche/", params, **headers)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/suche/", params, **headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as ctx:
        client.get("/suche/", params, **headers)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
        "queries": len(ctx.captured_queries),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--user", default="bench-rep")
    args = parser.parse_args(argv)
    _setup()
    from django.test import Client

    from accounts.models import User
    from leads.models import Lead

    client = Client()
    client.force_login(User.objects.get(username=args.user))
    print(f"global search, {Lead.objects.count():,} leads, {args.runs} runs")
    print(f"{'term':<20} {'mode':<9} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  query")
    results = {}
    for label, term in _queries().items():
        for mode, params, headers in (
            ("dropdown", {"q": term, "dropdown": "1"}, {"HTTP_HX_REQUEST": "true"}),
            ("page", {"q": term}, {}),
        ):
            row = _measure(client, params, headers, args.runs)
            results[f"{label}/{mode}"] = row
            print(
                f"{label:<20} {mode:<9} {row['p50_ms']:>8} {row['p95_ms']:>8} "
                f"{row['queries']:>8}  {term}"
            )
    return results


if __name__ == "__main__":
    main()
