"""Deterministic bulk data for the benchmarks (PostgreSQL, COPY).

    python -m bench.generate --leads 1000000 [--seed 42] [--keep]

Fills the database named by DATABASE_URL with N leads and, in proportion, N/5 companies,
N/2 persons, 2N activities (half of them linked to a lead), the status history of every
lead (LeadStatusChange), main contacts for leads with a Geschäftspartner, and 50 users
with roles (40 Vertrieb, 6 Vertriebsleitung, 4 Marketing; "bench-rep" is the user the
scenarios log in as). German names and places; a realistic status mix; 5 % of the open
leads have an overdue "Nachbetreuung bis".

Rows are written as COPY text streams built in Python (psycopg3 `cursor.copy`), with the
secondary indexes of the filled tables dropped during the load and recreated afterwards
(one sort per index instead of a million index inserts). Sequences are reset, the lead
number counter is set, and ANALYZE runs at the end. Existing bench data (and everything
else in those tables) is truncated first unless --keep is given: use a separate database.

Same seed, same N → same rows (random.Random(seed), fixed "today" offsets are relative to
the day of the run so that overdue dates stay overdue).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import time

from bench._copy import Copier, _ts
from bench.words import (
    ACTIVITY_KINDS,
    CITIES,
    COMPANY_WORDS,
    FIRST_NAMES_F,
    FIRST_NAMES_M,
    FUNCTIONS,
    LAST_NAMES,
    LEGAL_FORMS,
    STATUS_MIX,
    STREETS,
    SUBJECTS,
)

COMPANY_COLUMNS = (
    "id name category_id street postal_code city country phone email website industry "
    "owner_id version created_at updated_at"
).split()
PERSON_COLUMNS = (
    "id company_id salutation first_name last_name function email phone owner_id "
    "lead_status_id lead_status_changed_at version created_at updated_at"
).split()
LEAD_COLUMNS = (
    "id number company_name salutation first_name last_name status_id source_id "
    "type_id follow_up_by_id follow_up_until function street postal_code city country "
    "email phone score customer_id status_changed_at closed_at last_activity_at "
    "converted_at created_by_id created_at updated_at version capture_channel "
    "campaign_id lost_reason_id engagement_score"
).split()
N_CAMPAIGNS = 20  # bench campaigns; 40 % of the leads belong to one
CAMPAIGN_SHARE = 0.4
ACTIVITY_COLUMNS = (
    "id kind subject start end status done_at delegated_by_id delegated_to_id "
    "person_id company_id mail_state version created_by_id created_at updated_at"
).split()
N_USERS = 50
REP_USERNAME = "bench-rep"
OVERDUE_SHARE = 0.05


def _campaigns() -> list[int]:
    """N_CAMPAIGNS bench campaigns (ORM: idempotent by slug); their ids in order."""
    from leads.models import Campaign

    ids = []
    for i in range(1, N_CAMPAIGNS + 1):
        campaign, _ = Campaign.objects.get_or_create(
            slug=f"bench-kampagne-{i:02d}", defaults={"name": f"Bench-Kampagne {i:02d}"}
        )
        ids.append(campaign.pk)
    return ids


def _users() -> list[int]:
    """50 users with roles (40 Vertrieb, 6 Vertriebsleitung, 4 Marketing); ids in order."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from accounts.models import Role, User

    password = make_password("bench-pass-1")
    groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Role])}
    users = []
    for i in range(N_USERS):
        role = Role.SALES if i < 40 else Role.SALES_MANAGER if i < 46 else Role.MARKETING
        female = i % 2 == 1
        username = REP_USERNAME if i == 0 else f"bench-user-{i:02d}"
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": (FIRST_NAMES_F if female else FIRST_NAMES_M)[i % 30],
                "last_name": LAST_NAMES[(i * 7) % len(LAST_NAMES)],
                "email": f"{username}@leadcrm.example",
                "password": password,
                "is_active": True,
            },
        )
        if role in groups:
            user.groups.set([groups[role]])
        users.append(user.pk)
    return users


def generate(leads: int, seed: int = 42, keep: bool = False, log=print) -> dict:
    from django.db import DatabaseError, connection, transaction
    from django.utils import timezone

    from accounts.models import ListPreference
    from activities.models import Activity
    from bench._copy import Spool, drop_secondary_indexes, reset_sequences
    from contacts.models import Category, Company, LeadStatus, Person
    from leads.models import (
        Lead,
        LeadContact,
        LeadNumberCounter,
        LeadSource,
        LeadStatusChange,
        LeadType,
        LostReason,
    )
    from leads.models.lead import LOST_PHASES

    if connection.vendor != "postgresql":
        raise SystemExit("bench.generate needs PostgreSQL (set DATABASE_URL)")
    rnd = random.Random(seed)
    started = time.perf_counter()
    n_companies, n_persons, n_activities = max(1, leads // 5), max(1, leads // 2), 2 * leads
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    lead_activities = Lead.activities.through
    tables = [
        Lead,
        LeadStatusChange,
        LeadContact,
        lead_activities,
        Activity,
        Person,
        Company,
    ]
    figures: dict = {"leads": leads}

    with transaction.atomic(), connection.cursor() as cur:
        # The rows are consistent by construction: skip the per-row FK triggers when we may
        # (superuser, as in scripts/bench), else check them immediately (deferred checks
        # would forbid recreating the indexes in this transaction).
        with contextlib.suppress(DatabaseError), transaction.atomic():
            cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        if not keep:
            names = ", ".join(m._meta.db_table for m in tables)
            extra = []
            for model in (Lead, Person, Company, Activity):
                hist = getattr(model, "history", None)
                if hist is not None:
                    extra.append(hist.model._meta.db_table)
            cur.execute(f"TRUNCATE {names}, {', '.join(extra)} CASCADE")
            cur.execute("DELETE FROM notifications_notification")
        users = _users()  # ORM: 50 rows
        reps = users[:40]
        statuses = {s.name: s for s in LeadStatus.objects.all()}
        mix = [(statuses[name], share) for name, share in STATUS_MIX if name in statuses]
        default_status = LeadStatus.objects.filter(is_default=True).first() or mix[0][0]
        sources = list(LeadSource.objects.values_list("pk", flat=True)) or [None]
        types = list(LeadType.objects.values_list("pk", flat=True)) or [None]
        categories = list(Category.objects.select_related("group"))
        cat_ids = [c.pk for c in categories] or [None]
        prospect_cats = {c.pk for c in categories if c.uses_lead_status}
        open_statuses = [s for s, _ in mix if not s.is_terminal]
        campaigns = _campaigns()
        lost_reasons = list(LostReason.objects.filter(active=True).values_list("pk", flat=True))
        # campaign, lost reason and engagement score from their own generator: the other
        # columns stay those of earlier bench runs with the same seed
        extra_rnd = random.Random(seed + 1)

        dropped = drop_secondary_indexes(cur, [m._meta.db_table for m in tables])
        log(f"dropped {len(dropped)} secondary indexes for the load")

        # --- companies
        t = time.perf_counter()
        company_cat: list = [None] * (n_companies + 1)
        company_city: list = [None] * (n_companies + 1)
        company_name: list = [""] * (n_companies + 1)
        with Copier(
            cur,
            Company,
            COMPANY_COLUMNS,
        ) as cp:
            for cid in range(1, n_companies + 1):
                last = rnd.choice(LAST_NAMES)
                word = rnd.choice(COMPANY_WORDS)
                form = rnd.choice(LEGAL_FORMS)
                name = f"{last} {word} {form}"
                city, plz = rnd.choice(CITIES)
                cat = rnd.choice(cat_ids)
                company_cat[cid] = cat
                company_city[cid] = (city, plz)
                company_name[cid] = name
                slug = (
                    f"{last.lower()}-{word.lower()}-{cid}".replace("ü", "ue")
                    .replace("ö", "oe")
                    .replace("ä", "ae")
                    .replace("ß", "ss")
                )
                created = now - dt.timedelta(minutes=rnd.randrange(0, 4 * 365 * 24 * 60))
                cp.row(
                    [
                        str(cid),
                        name,
                        "\\N" if cat is None else str(cat),
                        f"{rnd.choice(STREETS)} {rnd.randrange(1, 200)}",
                        f"{plz}{rnd.randrange(0, 1000):03d}",
                        city,
                        "DE",
                        f"+49{rnd.randrange(30, 999)}{rnd.randrange(100000, 9999999)}",
                        f"info@{slug}.de",
                        f"https://www.{slug}.de",
                        word,
                        str(rnd.choice(reps)),
                        "1",
                        _ts(created),
                        _ts(created),
                    ]
                )
        figures["companies"] = n_companies
        log(f"companies: {n_companies:,} in {time.perf_counter() - t:.1f} s")

        # --- persons (2.5 per company on average; a few without company)
        t = time.perf_counter()
        person_company: list = [None] * (n_persons + 1)
        person_name: list = [None] * (n_persons + 1)
        with Copier(
            cur,
            Person,
            PERSON_COLUMNS,
        ) as cp:
            for pid in range(1, n_persons + 1):
                cid = rnd.randrange(1, n_companies + 1) if rnd.random() < 0.97 else None
                female = rnd.random() < 0.45
                first = rnd.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
                last = rnd.choice(LAST_NAMES)
                person_company[pid] = cid
                person_name[pid] = (first, last, female)
                status = "\\N"
                changed = "\\N"
                created = now - dt.timedelta(minutes=rnd.randrange(0, 4 * 365 * 24 * 60))
                if cid and company_cat[cid] in prospect_cats:
                    status = str(rnd.choice(mix)[0].pk)
                    changed = _ts(created)
                domain = f"firma{cid or 0}.de"
                cp.row(
                    [
                        str(pid),
                        "\\N" if cid is None else str(cid),
                        "Frau" if female else "Herr",
                        first,
                        last,
                        rnd.choice(FUNCTIONS),
                        f"{first.lower()}.{last.lower()}.{pid}@{domain}",
                        f"+49{rnd.randrange(30, 999)}{rnd.randrange(100000, 9999999)}",
                        str(rnd.choice(reps)),
                        status,
                        changed,
                        "1",
                        _ts(created),
                        _ts(created),
                    ]
                )
        figures["persons"] = n_persons
        log(f"persons: {n_persons:,} in {time.perf_counter() - t:.1f} s")

        # --- leads, their status history and main contacts
        t = time.perf_counter()
        weights = [share for _, share in mix]
        status_choices = rnd.choices([s for s, _ in mix], weights=weights, k=leads)
        overdue_every = round(1 / OVERDUE_SHARE)
        open_count = 0
        lead_created: list = [None] * (leads + 1)
        changes = 0
        contacts = 0
        sc = Spool(
            LeadStatusChange,
            ["lead_id", "from_status_id", "to_status_id", "changed_at", "changed_by_id"],
        )
        lc = Spool(LeadContact, ["lead_id", "person_id", "is_main", "created_at"])
        with Copier(
            cur,
            Lead,
            LEAD_COLUMNS,
        ) as cp:
            working = [s for s in open_statuses if s.phase == "working"]
            for lid in range(1, leads + 1):
                status = status_choices[lid - 1]
                # older ids are older leads: created_at grows with the id (like real data)
                age_min = int((leads - lid) * (3 * 365 * 24 * 60) / max(1, leads))
                created = now - dt.timedelta(minutes=age_min + rnd.randrange(0, 30))
                lead_created[lid] = created
                owner = rnd.choice(reps) if rnd.random() < 0.96 else None
                pid = rnd.randrange(1, n_persons + 1)
                cid = person_company[pid]
                first, last, female = person_name[pid]
                if cid:
                    cname = company_name[cid]
                    city, plz = company_city[cid]
                else:
                    cname = f"{last} {rnd.choice(COMPANY_WORDS)} {rnd.choice(LEGAL_FORMS)}"
                    city, plz = rnd.choice(CITIES)
                customer = cid if (cid and rnd.random() < 0.35) else None
                terminal = status.is_terminal
                follow = "\\N"
                if not terminal and owner:
                    open_count += 1
                    if open_count % overdue_every == 0:
                        follow = (today - dt.timedelta(days=rnd.randrange(1, 60))).isoformat()
                    elif rnd.random() < 0.6:
                        follow = (today + dt.timedelta(days=rnd.randrange(1, 90))).isoformat()
                # status history: created as default, then through a working status
                path = [default_status]
                if status.pk != default_status.pk:
                    if working and status.phase not in ("open", "working") and rnd.random() < 0.8:
                        path.append(rnd.choice(working))
                    path.append(status)
                span = max(60, age_min)
                at = created
                prev = None
                for step, st in enumerate(path):
                    if step:
                        at = at + dt.timedelta(minutes=rnd.randrange(1, max(2, span // 3)))
                        if at > now:
                            at = now
                    sc.row(
                        [
                            str(lid),
                            "\\N" if prev is None else str(prev.pk),
                            str(st.pk),
                            _ts(at),
                            "\\N" if owner is None else str(owner),
                        ]
                    )
                    prev = st
                    changes += 1
                changed_at = at
                closed = _ts(changed_at) if terminal else "\\N"
                converted = _ts(changed_at) if status.phase == "converted" else "\\N"
                last_act = _ts(min(now, changed_at + dt.timedelta(days=rnd.randrange(0, 20))))
                src = rnd.choice(sources)
                typ = rnd.choice(types)
                street = f"{rnd.choice(STREETS)} {rnd.randrange(1, 200)}"
                cp.row(
                    [
                        str(lid),
                        f"L-{lid:06d}",
                        cname,
                        "Frau" if female else "Herr",
                        first,
                        last,
                        str(status.pk),
                        "\\N" if src is None else str(src),
                        "\\N" if typ is None else str(typ),
                        "\\N" if owner is None else str(owner),
                        follow,
                        rnd.choice(FUNCTIONS),
                        street,
                        f"{plz}{rnd.randrange(0, 1000):03d}",
                        city,
                        "DE",
                        f"{first.lower()}.{last.lower()}.l{lid}@beispiel-{lid % 997}.de",
                        f"+49{rnd.randrange(30, 999)}{rnd.randrange(100000, 9999999)}",
                        str(min(100, int(rnd.betavariate(2, 3) * 100))),
                        "\\N" if customer is None else str(customer),
                        _ts(changed_at),
                        closed,
                        last_act,
                        converted,
                        "\\N" if owner is None else str(owner),
                        _ts(created),
                        _ts(changed_at),
                        "1",
                        rnd.choice(
                            ["manual", "manual", "web_form", "import", "email", "phone", "fair"]
                        ),
                        str(extra_rnd.choice(campaigns))
                        if campaigns and extra_rnd.random() < CAMPAIGN_SHARE
                        else "\\N",
                        str(extra_rnd.choice(lost_reasons))
                        if lost_reasons and status.phase in LOST_PHASES
                        else "\\N",
                        str(min(100, int(extra_rnd.betavariate(1.5, 5) * 100))),
                    ]
                )
                if customer:
                    lc.row([str(lid), str(pid), "t", _ts(created)])
                    contacts += 1
        sc.copy_to(cur)
        lc.copy_to(cur)
        figures["status_changes"] = changes
        figures["lead_contacts"] = contacts
        log(f"leads: {leads:,} (+{changes:,} status changes) in {time.perf_counter() - t:.1f} s")

        # --- activities (half linked to a lead)
        t = time.perf_counter()
        kinds = [k for k, _ in ACTIVITY_KINDS]
        kind_w = [w for _, w in ACTIVITY_KINDS]
        kind_list = rnd.choices(kinds, weights=kind_w, k=n_activities)
        links = 0
        la = Spool(lead_activities, ["lead_id", "activity_id"])
        with Copier(
            cur,
            Activity,
            ACTIVITY_COLUMNS,
        ) as ac:
            for aid in range(1, n_activities + 1):
                kind = kind_list[aid - 1]
                pid = rnd.randrange(1, n_persons + 1)
                cid = person_company[pid]
                lid = (aid + 1) // 2 if aid % 2 else None
                base = (
                    lead_created[lid]
                    if lid
                    else now - dt.timedelta(minutes=rnd.randrange(0, 3 * 365 * 24 * 60))
                )
                start = base + dt.timedelta(minutes=rnd.randrange(0, 60 * 24 * 30))
                future = start > now
                done = not future and rnd.random() < 0.85
                who = str(rnd.choice(reps))
                ac.row(
                    [
                        str(aid),
                        kind,
                        rnd.choice(SUBJECTS),
                        _ts(start),
                        _ts(start + dt.timedelta(minutes=30)),
                        "done" if done else "open",
                        _ts(start + dt.timedelta(minutes=30)) if done else "\\N",
                        who,
                        who,
                        str(pid),
                        "\\N" if cid is None else str(cid),
                        ("sent" if done else "draft") if kind == "email_out" else "",
                        "1",
                        who,
                        _ts(min(start, now)),
                        _ts(min(start, now)),
                    ]
                )
                if lid:
                    la.row([str(lid), str(aid)])
                    links += 1
        la.copy_to(cur)
        figures["activities"] = n_activities
        figures["lead_activity_links"] = links
        log(f"activities: {n_activities:,} in {time.perf_counter() - t:.1f} s")

        t = time.perf_counter()
        for sql in dropped:
            cur.execute(sql)
        log(f"recreated {len(dropped)} indexes in {time.perf_counter() - t:.1f} s")
        reset_sequences(cur, tables)
        LeadNumberCounter.objects.update_or_create(name="lead", defaults={"value": leads})
        ListPreference.objects.update_or_create(  # marker for `bench.scenarios --reuse`
            user_id=users[0], key="bench", defaults={"options": {"leads": leads}}
        )
    t = time.perf_counter()
    with connection.cursor() as cur:
        for model in tables:
            cur.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    log(f"vacuum analyze in {time.perf_counter() - t:.1f} s")
    figures["seconds"] = round(time.perf_counter() - started, 1)
    log(f"generated {leads:,} leads in {figures['seconds']} s")
    return figures


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.generate")
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="do not truncate first")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadcrm.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return generate(args.leads, seed=args.seed, keep=args.keep)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
