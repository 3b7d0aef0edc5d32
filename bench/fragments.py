"""The Python-built HTML fragments against templates doing the same, compiled once.

    python -m bench.fragments [--runs 30]   (needs DATABASE_URL, PostgreSQL)

For each fast path — `{% lead_cells %}` (lead_table),
`{% person_cells %}` (person_table), `{% lead_card %}` (board_tags) — one page's worth of
fragments is rendered (a) by the Python builder as the pages call it, (b) by its reference
template in tests/fast_paths/templates/ (the markup tests/fast_paths/test_equivalence.py
holds the builder to), compiled once and rendered per row, and also included per row from
one table template as a page would, (c) by a Jinja2 translation compiled once, when jinja2
is importable (it is not a requirement: `pip install jinja2` to measure it). Each output
is first checked to be the same HTML as the Python builder's (django.test.html.parse_html).
`{% form_field %}` was measured here too (within 3–5 % as a template, docs/fast-paths.md)
and is a template now.

The rows are created in a transaction that is rolled back at the end. Times: best and
median of `--runs` runs after one warm-up, in ms. "+ms/page" is (template − Python) for
the page's worth of fragments; "page p50" comes from bench/results/latest.json (the last
`make bench`), so "+%" says how far the page would move. Figures, never a verdict on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
NASTY = "<b>&\"'"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadcrm.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")  # as scripts/bench
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False


# --------------------------------------------------------------------------- data


def _make_data(rng: random.Random) -> dict:
    """100 leads with every relation set for most, 50 persons, one lead for the mask."""
    from django.utils import timezone

    from accounts.models import User
    from bench.words import CITIES, COMPANY_WORDS, FIRST_NAMES_F, LAST_NAMES, LEGAL_FORMS
    from contacts.models import Category, Company, LeadStatus, Person
    from leads.models import Campaign, Lead, LeadSource, LeadType

    today = timezone.localdate()
    users = [
        User.objects.create(
            username=f"bench-frag-{i}", first_name=rng.choice(FIRST_NAMES_F), last_name=name
        )
        for i, name in enumerate(["Müller", "O'Brien", NASTY])
    ]
    categories = list(Category.objects.filter(active=True))
    companies = [
        Company.objects.create(
            name=f"{rng.choice(LAST_NAMES)} {rng.choice(COMPANY_WORDS)} {rng.choice(LEGAL_FORMS)}",
            category=categories[i % len(categories)],
            city=rng.choice(CITIES)[0],
        )
        for i in range(20)
    ]
    statuses = list(LeadStatus.objects.active())
    sources = list(LeadSource.objects.all()) or [None]
    types = list(LeadType.objects.all()) or [None]
    campaign = Campaign.objects.create(name="Bench Frühjahr", slug="bench-fruehjahr")
    leads = []
    for i in range(100):
        full = i % 10 != 0  # every tenth lead with nothing but its number and status
        leads.append(
            Lead.objects.create(
                number=f"BF-{i:05d}",
                company_name=rng.choice(companies).name if full else "",
                first_name=rng.choice(FIRST_NAMES_F) if full else "",
                last_name=rng.choice(LAST_NAMES) if full else "",
                status=statuses[i % len(statuses)],
                source=rng.choice(sources) if full else None,
                type=rng.choice(types) if full else None,
                campaign=campaign if i % 3 == 0 else None,
                follow_up_by=rng.choice(users) if full else None,
                appointment_with=rng.choice(users) if i % 4 == 0 else None,
                follow_up_until=today + dt.timedelta(days=rng.randint(-20, 20)) if full else None,
                customer=rng.choice(companies) if i % 2 == 0 else None,
                city=rng.choice(CITIES)[0] if full else "",
                email=f"kontakt{i}@beispiel.de" if full else "",
                score=rng.randint(0, 100),
            )
        )
    persons = [
        Person.objects.create(
            company=rng.choice(companies) if i % 7 else None,
            first_name=rng.choice(FIRST_NAMES_F),
            last_name=rng.choice(LAST_NAMES),
            function="Einkaufsleitung" if i % 3 else "",
            email=f"person{i}@kunde.de" if i % 5 else "",
            lead_status=statuses[i % len(statuses)] if i % 4 else None,
            lead_status_changed_at=timezone.now() if i % 4 else None,
            owner=rng.choice(users) if i % 2 else None,
        )
        for i in range(50)
    ]
    return {"today": today, "users": users, "leads": leads, "persons": persons}


# --------------------------------------------------------------------------- Jinja2

JINJA_LEAD_CELLS = """\
{%- for col in columns %}{% set k = col.key -%}
{% if k == "number" %}<td class="text-nowrap"><a class="fw-semibold" href="{{ object_url('leads:detail', lead.pk) }}">{{ lead.number }}</a></td>
{%- elif k == "company" %}<td>{{ lead.company_name or "—" }}</td>
{%- elif k == "contact" %}<td>{{ lead.contact_name or "—" }}</td>
{%- elif k == "status" %}<td>{{ lead_status_badge(lead.status) }}</td>
{%- elif k == "score" %}<td><span class="badge lc-score lc-score-{{ score_band(lead.score) }}">{{ lead.score }}</span></td>
{%- elif k in ("source", "type", "campaign", "follow_up_by", "appointment_with", "city") %}<td>{{ lead[k] or "—" }}</td>
{%- elif k == "follow_up_until" %}<td class="text-nowrap{% if lead.follow_up_overdue(today) %} text-danger fw-semibold{% endif %}">{{ lead.follow_up_until.strftime("%d.%m.%Y") if lead.follow_up_until else "—" }}</td>
{%- elif k == "customer" %}{% if lead.customer %}<td><a href="{{ object_url('contacts:company_detail', lead.customer_id) }}">{{ lead.customer }}</a></td>{% else %}<td>—</td>{% endif %}
{%- elif k == "email" %}{% if lead.email %}<td><a href="mailto:{{ lead.email }}">{{ lead.email }}</a></td>{% else %}<td>—</td>{% endif %}
{%- elif k == "phone" %}<td class="text-nowrap">{{ lead.phone or "—" }}</td>
{%- elif k == "created" %}<td class="text-nowrap">{{ stamp(lead.created_at) }}</td>
{%- elif k == "updated" %}<td class="text-nowrap">{{ stamp(lead.updated_at) }}</td>
{%- endif %}{% endfor %}"""

JINJA_PERSON_CELLS = """\
{%- for col in columns %}{% set k = col.key -%}
{% if k == "name" %}<td><a href="{{ object_url('contacts:person_detail', p.pk) }}">{{ p.full_name or p.last_name }}</a></td>
{%- elif k == "company" %}{% if p.company %}<td><a href="{{ object_url('contacts:company_detail', p.company_id) }}">{{ p.company.name }}</a></td>{% else %}<td>—</td>{% endif %}
{%- elif k == "function" %}<td>{{ p.function or "—" }}</td>
{%- elif k == "email" %}{% if p.email %}<td><a href="mailto:{{ p.email }}">{{ p.email }}</a></td>{% else %}<td>—</td>{% endif %}
{%- elif k == "phone" %}<td>{{ p.phone or "—" }}</td>
{%- elif k == "category" %}<td>{{ p.company.category.name if p.company and p.company.category else "—" }}</td>
{%- elif k == "category_group" %}<td>{{ p.company.category.group.name if p.company and p.company.category and p.company.category.group else "—" }}</td>
{%- elif k == "lead_status" %}<td>{{ lead_status_badge(p.lead_status, not p.lead_status_applicable) }}</td>
{%- elif k == "lead_status_changed_at" %}<td>{{ stamp(p.lead_status_changed_at) or "—" }}</td>
{%- elif k == "owner" %}<td>{{ p.owner or "—" }}</td>
{%- elif k == "lead_source" %}<td>{{ (p.lead_sources or []) | join(", ") or "—" }}</td>
{%- endif %}{% endfor %}"""

JINJA_LEAD_CARD = """\
{% set move_url = object_url("boards:lead_move", card.pk) %}{% set until = card.follow_up_until %}{% set overdue = until and card.follow_up_overdue(today) -%}
<article class="board-card card{% if placed %} js-place{% endif %}" id="card-lead-{{ card.pk }}" tabindex="-1"
         data-id="{{ card.pk }}" data-status-id="{{ card.status_id }}" data-version="{{ card.version }}"
         data-move-url="{{ move_url }}"{% if placed %} data-prev-status="{{ from_status }}"{% endif %}
         aria-label="{{ card.number }} {{ card.display_name }}">
  <div class="card-body p-2">
    <div class="d-flex justify-content-between align-items-center gap-2">
      {% if detail_url_name %}<a class="small fw-semibold text-decoration-none" href="{{ object_url(detail_url_name, card.pk) }}">{{ card.number }}</a>{% else %}<span class="small fw-semibold">{{ card.number }}</span>{% endif %}
      <span class="badge score-badge lc-score-{{ score_band(card.score) }}" title="{{ _('Lead-Score') }}">{{ card.score }}</span>
    </div>
    <div class="fw-semibold text-truncate" title="{{ card.company_name }}">{{ card.company_name or "—" }}</div>
    <div class="small text-body-secondary text-truncate">{{ card.contact_name or "—" }}</div>
    <div class="d-flex justify-content-between align-items-center mt-1 small">
      {% if until %}<span class="{% if overdue %}text-danger fw-semibold board-overdue{% else %}text-body-secondary{% endif %}" title="{{ _('Nachbetreuung bis') }}">
        <i class="bi bi-calendar-event" aria-hidden="true"></i><span class="visually-hidden">{{ _('Nachbetreuung bis') }}</span> {{ until.strftime("%d.%m.%Y") }}{% if overdue %} <span class="visually-hidden">({{ _('überfällig') }})</span>{% endif %}
      </span>{% else %}<span class="text-body-tertiary">{{ _('keine Nachbetreuung') }}</span>{% endif %}
      {% if card.follow_up_by %}<span class="owner-initials" title="{{ _('Nachbetreuung durch') }}: {{ card.follow_up_by }}">{{ card.follow_up_by.initials }}</span>{% else %}<span class="owner-initials owner-none" title="{{ _('ohne Zuständigkeit') }}">–</span>{% endif %}
    </div>
    <details class="board-card-menu mt-1">
      <summary class="small text-body-secondary">{{ _('Status ändern') }}</summary>
      <form method="post" action="{{ move_url }}" class="d-flex gap-1 mt-1"
            hx-post="{{ move_url }}" hx-target="closest .board-card" hx-swap="outerHTML">
        {% if csrf_token and csrf_token != "NOTPROVIDED" %}<input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf_token }}">{% endif %}
        <input type="hidden" name="version" value="{{ card.version }}">
        <input type="hidden" name="from_status" value="{{ '' if card.status_id is none else card.status_id }}">
        <input type="hidden" name="next" value="{{ board_url or '' }}">
        <label class="visually-hidden" for="status-lead-{{ card.pk }}">{{ _('Neuer Status') }}</label>
        <select class="form-select form-select-sm" id="status-lead-{{ card.pk }}" name="status">
          {% for status in statuses %}<option value="{{ status.pk }}"{% if status.pk == card.status_id %} selected{% endif %}>{{ status.name }}</option>{% endfor %}
        </select>
        <button class="btn btn-sm btn-outline-primary" type="submit">{{ _('Verschieben') }}</button>
      </form>
    </details>
  </div>
</article>"""


def _jinja_templates() -> dict | None:
    try:
        import jinja2
    except ImportError:  # not a requirement of the project; measured when installed
        return None
    from django.utils import timezone
    from django.utils.translation import gettext

    from contacts.templatetags.lead_status import lead_status_badge
    from leads.score_bands import score_band
    from ui.object_urls import object_url

    def stamp(value) -> str:
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else ""

    env = jinja2.Environment(autoescape=True, undefined=jinja2.Undefined)
    env.globals.update(
        object_url=object_url,
        lead_status_badge=lead_status_badge,
        score_band=score_band,
        stamp=stamp,
        _=gettext,
    )
    return {
        "lead_cells": env.from_string(JINJA_LEAD_CELLS),
        "person_cells": env.from_string(JINJA_PERSON_CELLS),
        "lead_card": env.from_string(JINJA_LEAD_CARD),
    }


# --------------------------------------------------------------------------- timing


def _time(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm-up: caches (URLs, translations, compiled templates) as on a live process
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return min(times), statistics.median(times)


def _same(rendered: list[str], expected: list[str]) -> bool:
    from django.test.html import parse_html

    return all(parse_html(a) == parse_html(b) for a, b in zip(rendered, expected, strict=True))


def _page_p50() -> dict[str, float]:
    try:
        data = json.loads((RESULTS / "latest.json").read_text())
    except (OSError, ValueError):
        return {}
    sizes = data.get("sizes") or {}
    first = sizes[min(sizes, key=int)] if sizes else {}
    return {k: v["p50_ms"] for k, v in first.items() if isinstance(v, dict) and "p50_ms" in v}


def _workloads(data: dict, jinja: dict | None) -> list[dict]:
    """Each workload: its page, the builder, the template ways, as lists of rendered rows."""
    from django.template import Context

    from boards.selectors import board_statuses
    from boards.templatetags.board_tags import lead_card
    from contacts.models import Person
    from contacts.selectors import LIST_COLUMNS, PERSON_COLUMNS, attach_lead_sources
    from contacts.templatetags.person_table import person_cells
    from leads.models import Lead
    from leads.selectors import COLUMNS, COLUMNS_BY_KEY, DEFAULT_COLUMNS, list_queryset
    from leads.templatetags.lead_table import lead_cells
    from tests.fast_paths import reference

    today = data["today"]
    ids = [lead.pk for lead in data["leads"]]
    leads = list(list_queryset(Lead.objects.filter(pk__in=ids)).order_by("pk"))
    default_columns = [COLUMNS_BY_KEY[k] for k in DEFAULT_COLUMNS]
    persons = list(
        Person.objects.for_list().filter(pk__in=[p.pk for p in data["persons"]]).order_by("pk")
    )
    attach_lead_sources(persons)
    # the selection page (bench "selection"): 50 persons in the Find columns
    person_default = [c for c in PERSON_COLUMNS if c.key in LIST_COLUMNS["find_persons"][1]]
    statuses = board_statuses()
    open_columns = sum(1 for s in statuses if not s.is_terminal)
    cards = list(Lead.objects.filter(pk__in=ids).for_board_cards().order_by("pk")[:20])
    board = {
        "today": today,
        "statuses": statuses,
        "detail_url_name": "leads:detail",
        "csrf_token": "x" * 64,
        "board_url": "/boards/leads/?owner=3&expanded=1",
    }
    lead_row = reference.get("lead_cells")
    person_row = reference.get("person_cells")
    card_tpl = reference.get("lead_card")
    lead_table = reference.engine().from_string(
        '{% for lead in leads %}<tr>{% include "fast_paths/lead_cells.html" %}</tr>{% endfor %}'
    )
    person_table = reference.engine().from_string(
        '{% for p in persons %}<tr>{% include "fast_paths/person_cells.html" %}</tr>{% endfor %}'
    )
    card_column = reference.engine().from_string(
        '{% for card in cards %}{% include "fast_paths/lead_card.html" %}{% endfor %}'
    )

    def lead_workload(name, page, rows, columns, page_like=None):
        return {
            "name": name,
            "page": page,
            "page_like": page_like,
            "python": lambda: [lead_cells(lead, columns, today) for lead in rows],
            "template": lambda: [
                lead_row.render(Context({"lead": lead, "columns": columns, "today": today}))
                for lead in rows
            ],
            "include": lambda: lead_table.render(
                Context({"leads": rows, "columns": columns, "today": today})
            ),
            "jinja": jinja
            and (
                lambda: [
                    jinja["lead_cells"].render(lead=lead, columns=columns, today=today)
                    for lead in rows
                ]
            ),
            "per_page": 1,
        }

    def person_workload(name, page, columns, page_like=None):
        return {
            "name": name,
            "page": page,
            "page_like": page_like,
            "python": lambda: [person_cells(p, columns) for p in persons],
            "template": lambda: [
                person_row.render(Context({"p": p, "columns": columns})) for p in persons
            ],
            "include": lambda: person_table.render(
                Context({"persons": persons, "columns": columns})
            ),
            "jinja": jinja
            and (lambda: [jinja["person_cells"].render(p=p, columns=columns) for p in persons]),
            "per_page": 1,
        }

    return [
        lead_workload("lead_cells 25×default", "list_default", leads[:25], default_columns),
        lead_workload("lead_cells 100×17", "list_default", leads, COLUMNS, "lead_cells 25×default"),
        person_workload("person_cells 50×default", "selection", person_default),
        person_workload(
            "person_cells 50×11", "selection", PERSON_COLUMNS, "person_cells 50×default"
        ),
        {
            "name": f"lead_card 20 (×{open_columns} columns)",
            "page": "lead_board",
            "page_like": None,
            "python": lambda: [lead_card(Context(board), card) for card in cards],
            "template": lambda: [card_tpl.render(Context({"card": c, **board})) for c in cards],
            "include": lambda: card_column.render(Context({"cards": cards, **board})),
            "jinja": jinja
            and (lambda: [jinja["lead_card"].render(card=c, **board) for c in cards]),
            "per_page": open_columns,
        },
    ]


def run(data: dict, runs: int) -> list[dict]:
    jinja = _jinja_templates()
    pages = _page_p50()
    rows = []
    python_ms: dict[str, float] = {}
    for w in _workloads(data, jinja):
        python_out = w["python"]()
        checks = {"template": _same(w["template"](), python_out)}
        if w["jinja"]:
            checks["jinja"] = _same(w["jinja"](), python_out)
        row = {"name": w["name"], "page": w["page"], "same_html": checks}
        for way in ("python", "template", "include", "jinja"):
            row[way] = _time(w[way], runs) if w[way] else None
        median = {k: row[k][1] for k in ("python", "template", "include", "jinja") if row[k]}
        row["extra_ms_page"] = (median["template"] - median["python"]) * w["per_page"]
        row["extra_include_ms_page"] = (median["include"] - median["python"]) * w["per_page"]
        if "jinja" in median:
            row["extra_jinja_ms_page"] = (median["jinja"] - median["python"]) * w["per_page"]
        python_ms[w["name"]] = median["python"]
        page = pages.get(w["page"])
        if page and w["page_like"]:  # a bigger page than the measured one: add the rows' time
            page += (median["python"] - python_ms[w["page_like"]]) * w["per_page"]
        row["page_p50_ms"] = page and round(page, 1)
        rows.append(row)
    return rows


def _print(rows: list[dict], runs: int) -> None:
    def ms(pair):
        return f"{pair[1]:7.2f} ({pair[0]:6.2f})" if pair else f"{'n/a':>16}"

    def pct(extra, page):
        return f"{100 * extra / page:+6.0f}%" if page else "    n/a"

    print(f"median (best) of {runs} runs, ms; +ms/page and +% against the page's p50")
    head = (
        f"{'fragment':34} {'python':>16} {'django tpl/row':>16} {'django include':>16} "
        f"{'jinja2':>16} {'tpl/py':>6} {'jinja/py':>8} {'+ms tpl':>8} {'+% tpl':>7} "
        f"{'+ms incl':>8} {'+ms jinja':>9} {'+% jinja':>8} {'page':>12} same"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        py, tpl, jin = r["python"][1], r["template"][1], r["jinja"][1] if r["jinja"] else None
        page = r["page_p50_ms"]
        extra_j = r.get("extra_jinja_ms_page")
        print(
            f"{r['name']:34} {ms(r['python'])} {ms(r['template'])} {ms(r['include'])} "
            f"{ms(r['jinja'])} {tpl / py:6.2f} {(jin / py if jin else 0):8.2f} "
            f"{r['extra_ms_page']:8.2f} {pct(r['extra_ms_page'], page)} "
            f"{r['extra_include_ms_page']:8.2f} "
            f"{(extra_j if extra_j is not None else 0):9.2f} "
            f"{pct(extra_j, page) if extra_j is not None else '    n/a':>8} "
            f"{r['page']}={page or 'n/a'} "
            + ",".join(f"{k}:{'yes' if v else 'NO'}" for k, v in r["same_html"].items())
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    _setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        raise SystemExit("bench.fragments needs PostgreSQL (set DATABASE_URL)")
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        rows = run(_make_data(random.Random(7)), args.runs)
        transaction.set_rollback(True)  # the rows were only for this measurement
    _print(rows, args.runs)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str))


if __name__ == "__main__":
    main()
