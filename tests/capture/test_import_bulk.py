"""The import's bulk path (issue 9): a batch's new leads through `leads_bulk_create` must get
exactly what `lead_create` gives one lead at a time – numbers, status change, score,
history rows, interests, distribution and notifications – and the batch stays one
transaction with duplicate checks in a few queries (runs on PostgreSQL with COPY and on
SQLite with bulk_create)."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone

from capture.imports import run as import_runner
from leads.bulk import create as bulk_create
from leads.bulk.create import leads_bulk_create
from leads.models import (
    AssignmentMember,
    AssignmentStrategy,
    DuplicateMode,
    Lead,
    LeadImportIssue,
    LeadNumberCounter,
    LeadStatusChange,
)
from leads.services.distribution import plan_owners
from leads.services.lead import lead_create
from leads.services.numbering import next_lead_number, reserve_lead_numbers
from notifications.models import Notification
from tests.capture.test_import_leads import make_csv, upload
from tests.factories import LeadFactory, UserFactory, interest, source, status
from tests.factories.leads import make_rule

pytestmark = pytest.mark.django_db

HEADER = ["Firma", "Nachname", "E-Mail", "Telefon", "Land", "Interessen"]


def rows_csv(rows, header=HEADER):
    return make_csv(rows, header=header)


def run(lead_import, *, mode=DuplicateMode.SKIP, batch_size=None):
    lead_import.duplicate_mode = mode
    lead_import.save()
    return import_runner.import_run(lead_import=lead_import, batch_size=batch_size)


# --- same result as lead_create ------------------------------------------------------------


def _signature(leads, actor):
    """Everything lead_create writes for `leads`, with ids replaced by positions."""
    position = {lead.pk: i for i, lead in enumerate(leads)}
    out = []
    for lead in leads:
        lead = Lead.objects.get(pk=lead.pk)
        history = [
            (
                h.history_type,
                h.history_change_reason,
                h.history_user_id,
                h.follow_up_by_id,
                h.number,
                sorted(h.interests.values_list("interest_id", flat=True)),
            )
            for h in Lead.history.filter(id=lead.pk).order_by("history_date", "history_id")
        ]
        changes = list(
            LeadStatusChange.objects.filter(lead=lead).values_list(
                "from_status_id", "to_status_id", "changed_by_id"
            )
        )
        out.append(
            {
                "number": lead.number,
                "status": lead.status_id,
                "score": (lead.score, lead.score_breakdown),
                "version": lead.version,
                "by": (lead.created_by_id, lead.updated_by_id),
                "owner": lead.follow_up_by_id,
                "interests": sorted(lead.interests.values_list("pk", flat=True)),
                "phone": str(lead.phone),
                "country": str(lead.country),
                "closed_at": lead.closed_at is not None,
                "status_changed_at": lead.status_changed_at is not None,
                "history": history,
                "changes": changes,
            }
        )
    notes = sorted(
        (
            n.recipient_id,
            n.title,
            n.text,
            n.kind,
            n.priority,
            position[n.object_id],
            n.dedupe_key.replace(f"assigned:{n.object_id}:", f"assigned:#{position[n.object_id]}:"),
        )
        for n in Notification.objects.filter(kind="lead_assigned")
    )
    counters = sorted(AssignmentMember.objects.values_list("pk", "assigned_count"))
    return out, notes, counters


def _scenario(actor):
    """Two rules (round robin with a source condition, fewest open as catch-all), an
    absent member, the actor as a member (gets no notification), preset owners, interests."""
    a, b, d = UserFactory(), UserFactory(), UserFactory()
    away = UserFactory(
        absent_from=timezone.localdate() - dt.timedelta(days=1),
        absent_until=timezone.localdate() + dt.timedelta(days=1),
    )
    messe = source("Messe")
    rr = make_rule("Messe reihum", members=[(a, 2), (b, 1), (away, 5)], rank=0)
    rr.sources.add(messe)
    make_rule("Rest", members=[b, d, actor], rank=1, strategy=AssignmentStrategy.FEWEST_OPEN)
    LeadFactory(follow_up_by=d)  # d starts with one open lead
    pv, wind = interest("Photovoltaik"), interest("Windkraft")
    rows = []
    for i in range(14):
        data = {
            "company_name": f"Firma {i} GmbH",
            "last_name": f"Name {i}",
            "email": f"p{i}@firma{i}.de",
            "phone": f"+49301234{i:03d}",
            "capture_channel": "import",
        }
        if i % 3 == 0:
            data["source"] = messe
        if i == 5:
            data["follow_up_by"] = b  # preset owner: no rule, but counts as open for b
        ints = [pv.pk] if i % 4 == 1 else [pv.pk, wind.pk] if i % 4 == 2 else []
        rows.append((data, ints))
    return rows


def test_bulk_create_writes_what_lead_create_writes(marketing):
    rows = _scenario(marketing)
    sid = transaction.savepoint()
    one_by_one = [
        lead_create(data=dict(data), user=marketing, interests=ints).lead for data, ints in rows
    ]
    expected = _signature(one_by_one, marketing)
    transaction.savepoint_rollback(sid)

    bulk = leads_bulk_create(
        rows=[dict(data) for data, _ints in rows],
        interests=[ints for _data, ints in rows],
        user=marketing,
    )
    got = _signature(bulk, marketing)
    assert got[0] == expected[0]  # per lead: number … history, status change
    assert got[1] == expected[1]  # notifications (none for the actor)
    assert got[2] == expected[2]  # members' rotation counters
    owners = {entry["owner"] for entry in got[0]}
    assert len(owners) >= 3 and marketing.pk in owners
    assert len(got[1]) < len(rows)


def test_history_rows_of_a_bulk_lead(marketing):
    rep = UserFactory()
    make_rule("Alle", members=[rep])
    pv = interest("Photovoltaik")
    (lead,) = leads_bulk_create(
        rows=[{"company_name": "Solar GmbH", "email": "a@solar.de"}],
        interests=[[pv]],
        user=marketing,
    )
    records = list(Lead.history.filter(id=lead.pk).order_by("history_date", "history_id"))
    assert [r.history_type for r in records] == ["+", "~", "~"]
    assert [r.history_change_reason for r in records][:2] == ["v=1", "v=1"]
    assert records[2].history_change_reason.startswith("Regel „Alle“")
    assert {r.history_user_id for r in records} == {marketing.pk}
    assert [r.follow_up_by_id for r in records] == [None, None, rep.pk]
    assert [list(r.interests.values_list("interest_id", flat=True)) for r in records] == [
        [],
        [pv.pk],
        [pv.pk],
    ]
    # the mask's history view reads it like any other lead's history
    assert records[2].diff_against(records[1]).changed_fields == ["follow_up_by"]


def test_bulk_create_refuses_converted_status(marketing):
    from leads.errors import LeadError

    with pytest.raises(LeadError):
        leads_bulk_create(
            rows=[{"company_name": "X", "status": status("Konvertiert")}], user=marketing
        )
    assert Lead.objects.count() == 0


# --- numbers ----------------------------------------------------------------------------------


def test_numbers_are_one_consecutive_block_and_continue(importer_rows=25):
    first = next_lead_number()
    block = reserve_lead_numbers(importer_rows)
    after = next_lead_number()
    values = [int(n.split("-")[1]) for n in [first, *block, after]]
    assert values == list(range(values[0], values[0] + importer_rows + 2))
    assert LeadNumberCounter.objects.get().value == values[-1]
    assert reserve_lead_numbers(0) == []


def test_imported_numbers_unique_and_consecutive_per_batch(marketing):
    LeadFactory()  # a lead numbered before the import
    rows = [[f"Firma {i}", f"N{i}", f"n{i}@f{i}.de", "", "", ""] for i in range(1, 31)]
    lead_import = upload(marketing, rows_csv(rows))
    run(lead_import, batch_size=10)
    numbers = list(
        Lead.objects.filter(capture_channel="import")
        .order_by("pk")
        .values_list("number", flat=True)
    )
    values = [int(n.split("-")[1]) for n in numbers]
    assert len(set(values)) == 30
    assert values == list(range(values[0], values[0] + 30))
    assert int(LeadFactory().number.split("-")[1]) == values[-1] + 1


# --- duplicates ----------------------------------------------------------------------------


def test_duplicates_within_one_batch_by_email_and_phone(marketing):
    rows = [
        ["Alpha GmbH", "A", "info@alpha.de", "089 1234567", "", ""],
        ["Alpha 2", "B", " INFO@Alpha.DE ", "", "", ""],  # same e-mail, other spelling
        ["Beta AG", "C", "x@beta.de", "+49 89 1234567", "", ""],  # same phone as row 1
        ["Gamma KG", "D", "g@gamma.de", "", "", ""],
        ["Gamma again", "E", "g@gamma.de", "", "", ""],
    ]
    lead_import = upload(marketing, rows_csv(rows))
    run(lead_import)
    lead_import.refresh_from_db()
    assert (lead_import.created_count, lead_import.skipped_count) == (2, 3)
    messages = dict(lead_import.issues.values_list("row_number", "message"))
    assert messages == {  # the spreadsheet's rows: header = row 1
        3: "Dublette von Zeile 2 – übersprungen.",
        4: "Dublette von Zeile 2 – übersprungen.",
        6: "Dublette von Zeile 5 – übersprungen.",
    }
    assert set(lead_import.issues.values_list("kind", flat=True)) == {"duplicate"}


def test_duplicates_against_the_database_and_earlier_batches(marketing):
    existing = LeadFactory(email="Old@Kunde.de", phone="+49 30 9876543")
    merged = LeadFactory(email="gone@kunde.de", merged_into=existing)
    rows = [
        ["Neu 1", "A", "old@kunde.de", "", "", ""],  # e-mail of an existing lead
        ["Neu 2", "B", "b@neu.de", "030 9876543", "", ""],  # its phone, national format
        ["Neu 3", "C", "gone@kunde.de", "", "", ""],  # only a merged stub has it: new
        ["Neu 4", "D", "d@neu.de", "", "", ""],
        ["Neu 5", "E", "D@NEU.DE", "", "", ""],  # row 4, but in the next batch
    ]
    lead_import = upload(marketing, rows_csv(rows))
    run(lead_import, batch_size=4)
    lead_import.refresh_from_db()
    assert (lead_import.created_count, lead_import.skipped_count) == (2, 3)
    messages = dict(lead_import.issues.values_list("row_number", "message"))
    assert messages[2] == messages[3] == f"Dublette von Lead {existing.number} – übersprungen."
    first_of_d = Lead.objects.get(email="d@neu.de")
    assert messages[6] == f"Dublette von Lead {first_of_d.number} – übersprungen."
    assert Lead.objects.filter(email="gone@kunde.de").exclude(pk=merged.pk).count() == 1


def test_create_mode_creates_duplicates_in_the_batch_too(marketing):
    rows = [["A", "A", "same@x.de", "", "", ""], ["B", "B", "same@x.de", "", "", ""]]
    lead_import = upload(marketing, rows_csv(rows))
    run(lead_import, mode=DuplicateMode.CREATE)
    assert Lead.objects.filter(email="same@x.de").count() == 2


def test_update_mode_in_a_batch_with_new_leads(marketing):
    existing = LeadFactory(email="upd@x.de", city="Alt", version=1)
    rows = [
        ["Neu GmbH", "N", "neu@x.de", "", "", ""],
        ["Upd GmbH", "U", "UPD@x.de", "", "AT", "Windkraft"],
        ["Neu GmbH 2", "N", "neu@x.de", "", "", ""],  # a new row of this batch: skipped
    ]
    lead_import = upload(marketing, rows_csv(rows))
    run(lead_import, mode=DuplicateMode.UPDATE)
    lead_import.refresh_from_db()
    assert (lead_import.created_count, lead_import.updated_count) == (1, 1)
    assert lead_import.skipped_count == 1
    existing.refresh_from_db()
    assert existing.company_name == "Upd GmbH" and existing.version == 2
    assert str(existing.country) == "AT"
    assert [i.name for i in existing.interests.all()] == ["Windkraft"]


# --- distribution, interests, notifications -------------------------------------------------


def test_imported_leads_are_distributed_round_robin_like_one_by_one(marketing):
    a, b = UserFactory(), UserFactory()
    rule = make_rule("Alle", members=[(a, 2), (b, 1)])
    rows = [[f"F{i}", f"N{i}", f"d{i}@f.de", "", "", ""] for i in range(9)]
    lead_import = upload(marketing, rows_csv(rows))
    run(lead_import, batch_size=4)
    owners = list(
        Lead.objects.filter(capture_channel="import")
        .order_by("number")
        .values_list("follow_up_by_id", flat=True)
    )
    assert owners.count(a.pk) == 6 and owners.count(b.pk) == 3
    assert dict(rule.members.values_list("user_id", "assigned_count")) == {a.pk: 6, b.pk: 3}
    assert Notification.objects.filter(kind="lead_assigned").count() == 9
    lead = Lead.objects.filter(capture_channel="import").order_by("number").first()
    note = Notification.objects.get(object_id=lead.pk)
    assert note.dedupe_key == f"assigned:{lead.pk}:{lead.follow_up_by_id}"
    assert note.url.endswith(f"/{lead.pk}/")


def test_fallback_user_when_every_member_is_away(marketing):
    today = timezone.localdate()
    away = UserFactory(absent_from=today, absent_until=today)
    stand_in = UserFactory()
    make_rule("Alle", members=[away], fallback_user=stand_in)
    rows = [[f"F{i}", f"N{i}", f"f{i}@f.de", "", "", ""] for i in range(3)]
    run(upload(marketing, rows_csv(rows)))
    assert set(Lead.objects.values_list("follow_up_by_id", flat=True)) == {stand_in.pk}
    assert AssignmentMember.objects.get().assigned_count == 0


def test_plan_owners_without_rules_assigns_nobody():
    leads = [Lead(company_name="X")]
    assert plan_owners(leads, [set()]) == [None]


def test_rows_with_interests_go_through_the_bulk_path_too(marketing, caplog):
    rows = [
        ["Solar GmbH", "S", "s@solar.de", "", "", "Photovoltaik, Windkraft"],
        ["Wind AG", "W", "w@wind.de", "", "", ""],
    ]
    lead_import = upload(marketing, rows_csv(rows))
    with caplog.at_level("WARNING", logger="leads.imports"):
        run(lead_import)
    assert "row by row" not in caplog.text
    solar = Lead.objects.get(email="s@solar.de")
    assert sorted(i.name for i in solar.interests.all()) == ["Photovoltaik", "Windkraft"]
    assert Lead.history.filter(id=solar.pk).count() == 2  # "+" and "~" for the interests


def test_unknown_country_is_a_row_error_not_a_bulk_failure(marketing, caplog):
    rows = [
        ["A GmbH", "A", "a@a.de", "", "XX", ""],
        ["B GmbH", "B", "b@b.de", "", "Österreich", ""],
    ]
    lead_import = upload(marketing, rows_csv(rows))
    with caplog.at_level("WARNING", logger="leads.imports"):
        run(lead_import)
    assert "row by row" not in caplog.text
    lead_import.refresh_from_db()
    assert (lead_import.created_count, lead_import.failed_count) == (1, 1)
    assert lead_import.issues.get().message == "Land „XX“ ist unbekannt."
    assert str(Lead.objects.get().country) == "AT"


def test_refused_bulk_insert_falls_back_row_by_row(marketing, monkeypatch):
    def refuse(**kwargs):
        raise RuntimeError("Datenbank sagt nein")

    monkeypatch.setattr(bulk_create, "leads_bulk_create", refuse)
    rows = [[f"F{i}", f"N{i}", f"r{i}@f.de", "", "", ""] for i in range(3)]
    lead_import = upload(marketing, rows_csv(rows))
    run(lead_import)
    lead_import.refresh_from_db()
    assert lead_import.created_count == 3
    assert Lead.objects.count() == 3


# --- batch transaction, resume, queries ----------------------------------------------------


class Crash(BaseException):
    """Escapes every handler, like a killed worker."""


def test_crash_in_the_bulk_insert_rolls_back_the_batch_and_resumes(marketing, monkeypatch):
    original = bulk_create.leads_bulk_create
    calls = {"n": 0}

    def crash_on_second_batch(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Crash
        return original(**kwargs)

    rows = [[f"F{i}", f"N{i}", f"c{i}@f.de", "", "", ""] for i in range(1, 11)]
    rows[6][2] = "c1@f.de"  # row 7 repeats row 1 (committed in batch 1 before the crash)
    lead_import = upload(marketing, rows_csv(rows))
    monkeypatch.setattr(bulk_create, "leads_bulk_create", crash_on_second_batch)
    with pytest.raises(Crash):
        run(lead_import, batch_size=4)
    lead_import.refresh_from_db()
    assert lead_import.last_row == 5 and lead_import.created_count == 4
    assert Lead.objects.count() == 4
    assert LeadImportIssue.objects.count() == 0
    monkeypatch.setattr(bulk_create, "leads_bulk_create", original)
    import_runner.import_run(lead_import=lead_import, batch_size=4)
    lead_import.refresh_from_db()
    assert lead_import.last_row == 11
    assert (lead_import.created_count, lead_import.skipped_count) == (9, 1)
    assert Lead.objects.count() == 9
    assert len(set(Lead.objects.values_list("number", flat=True))) == 9
    assert lead_import.issues.get().row_number == 8


def _import_statements(user, size: int) -> list[str]:
    from django.test.utils import CaptureQueriesContext

    rows = [
        [f"F{i}", f"N{i}", f"q{size}x{i}@f.de", f"030 55{size:03d}{i:03d}", "", ""]
        for i in range(size)
    ]
    rows[10][2] = "known@f.de"  # a duplicate of a lead in the database
    rows[20][2] = f"q{size}x5@f.de"  # a duplicate within the batch
    rows[30][5] = "Photovoltaik"
    lead_import = upload(user, rows_csv(rows))
    lead_import.duplicate_mode = DuplicateMode.SKIP
    lead_import.save()
    with CaptureQueriesContext(connection) as queries:
        import_runner.import_run(lead_import=lead_import, batch_size=size)
    lead_import.refresh_from_db()
    assert (lead_import.created_count, lead_import.skipped_count) == (size - 2, 2)
    return [q["sql"] for q in queries.captured_queries]


def test_statements_per_batch_do_not_grow_with_rows(marketing):
    """One batch of 60 rows and one of 300 rows: context, duplicate lookup (one query per
    key), numbers, rules, inserts, issues, marker – the same statements, none per row.
    (SQLite splits a bulk INSERT into chunks of 999 parameters; PostgreSQL writes by COPY,
    which is not counted.)"""
    rep = UserFactory()
    make_rule("Alle", members=[rep])
    LeadFactory(email="known@f.de")
    _import_statements(marketing, 40)  # warm-up: counter row, content types, caches
    small = _import_statements(marketing, 60)
    large = _import_statements(marketing, 300)
    not_inserts = [len([s for s in q if not s.startswith("INSERT")]) for q in (small, large)]
    assert not_inserts[0] == not_inserts[1] <= 35
    if connection.vendor == "postgresql":
        assert len(small) == len(large) <= 40


def test_copy_is_used_on_postgresql():
    from leads.bulk import copy as bulk_copy

    assert bulk_copy.available() == (connection.vendor == "postgresql")


@pytest.mark.parametrize(
    "text",
    [
        "089 1234567",
        "+49 151 123456789",  # possible, not valid: stored as typed (E.164 form)
        "0151 12345678",
        "+1 650 253 0000",
        "0043 1 234567",
        "(089) 12-34-567",
        "+49 (0)89 1234567",
        "12",
        "abc",
        "",
    ],
)
def test_parse_phone_stores_what_normalize_phone_gives(text):
    from contacts.duplicates import normalize_phone, parse_phone
    from leads.bulk import copy as bulk_copy

    field = Lead._meta.get_field("phone")
    parsed, normalized = parse_phone(text), normalize_phone(text)
    if not normalized:
        assert parsed is None
        return
    assert parsed.raw_input == normalized
    stored_before = field.get_prep_value(field.to_python(normalized))
    assert field.get_prep_value(parsed) == stored_before
    assert bulk_copy.db_value(field, parsed) == stored_before


def test_next_batch_is_prepared_in_a_worker_thread_without_queries(marketing, monkeypatch):
    import threading

    from django.db import connections

    seen = []
    original_prepare, original_create = (
        bulk_create.leads_bulk_prepare,
        bulk_create.leads_bulk_create,
    )

    def prepare(**kwargs):
        result = original_prepare(**kwargs)
        # this thread's own connection object: never opened, so no query ran here
        opened = connections["default"].connection is not None
        seen.append((threading.current_thread() is threading.main_thread(), opened))
        return result

    def create(**kwargs):
        seen.append(("create", "prepared" in kwargs))
        return original_create(**kwargs)

    monkeypatch.setattr(bulk_create, "leads_bulk_prepare", prepare)
    monkeypatch.setattr(bulk_create, "leads_bulk_create", create)
    rows = [[f"F{i}", f"N{i}", f"w{i}@f.de", "", "", "Windkraft"] for i in range(6)]
    run(upload(marketing, rows_csv(rows)), batch_size=3)
    assert seen == [(False, False), ("create", True), (False, False), ("create", True)] or (
        seen == [(False, False), (False, False), ("create", True), ("create", True)]
    )
    assert Lead.objects.count() == 6
    assert all(lead.interests.count() == 1 for lead in Lead.objects.all())


def test_bulk_rule_matching_and_round_robin_equal_the_single_versions():
    import random

    from leads.models import AssignmentRule
    from leads.services.distribution import (
        _conditions,
        _conditions_match,
        _pick_round_robin,
        _pick_round_robin_int,
        rule_matches,
    )
    from tests.factories import CampaignFactory, lead_type

    messe, web = source("Messe"), source("Webseite")
    mql = lead_type("MQL")
    campaign = CampaignFactory()
    pv, wind = interest("Photovoltaik"), interest("Windkraft")
    rules = []
    for fields, relations in [
        ({}, {}),
        ({"countries": "de, at"}, {"sources": [messe]}),
        ({"postal_code_prefixes": "80, 81 , 9"}, {"types": [mql]}),
        ({}, {"campaigns": [campaign], "interests": [pv]}),
        ({"countries": "CH", "postal_code_prefixes": "8"}, {"interests": [pv, wind]}),
    ]:
        rule = make_rule(f"R{len(rules)}", **fields)
        for name, objs in relations.items():
            getattr(rule, name).set(objs)
        rules.append(rule)
    rules = list(
        AssignmentRule.objects.filter(pk__in=[r.pk for r in rules]).prefetch_related(
            "sources", "types", "interests", "campaigns"
        )
    )
    rnd = random.Random(3)
    for _ in range(300):
        lead = Lead(
            source=rnd.choice([None, messe, web]),
            type=rnd.choice([None, mql]),
            campaign=rnd.choice([None, campaign]),
            country=rnd.choice(["DE", "AT", "CH", "", "FR"]),
            postal_code=rnd.choice(["", "80331", " 81245", "90402", "10115", "8000"]),
        )
        ids = set(rnd.sample([pv.pk, wind.pk], rnd.randint(0, 2)))
        for rule in rules:
            assert _conditions_match(_conditions(rule), lead, ids) == rule_matches(rule, lead, ids)

    for _ in range(500):
        members = [
            AssignmentMember(pk=i + 1, weight=rnd.randint(1, 5), assigned_count=rnd.randint(0, 40))
            for i in range(rnd.randint(1, 6))
        ]
        picked, position = _pick_round_robin(members)
        picked_int, position_int = _pick_round_robin_int(members)
        assert (picked.pk, position) == (picked_int.pk, position_int)


def test_a_redelivered_run_with_a_stale_position_inserts_nothing_twice(marketing):
    """A second delivery of the import's task (its copy read `last_row` before the first
    run committed) re-checks each batch under the import's row lock: even in the mode that
    allows duplicates, no row is inserted twice and the counts stay the first run's."""
    rows = [[f"F{i}", f"N{i}", f"r{i}@f.de", "", "", ""] for i in range(1, 10)]
    lead_import = upload(marketing, rows_csv(rows))
    lead_import.duplicate_mode = DuplicateMode.CREATE
    lead_import.save()
    stale = type(lead_import).objects.get(pk=lead_import.pk)
    import_runner.import_run(lead_import=lead_import, batch_size=4)
    assert Lead.objects.count() == 9
    import_runner.import_run(lead_import=stale, batch_size=4)
    assert Lead.objects.count() == 9
    stale.refresh_from_db()
    assert (stale.last_row, stale.created_count) == (10, 9)
