"""Lead services: create, update with optimistic locking, status lifecycle, scoring."""

import pytest

from contacts.models import Phase
from leads.errors import ConflictError, LeadError
from leads.models import Lead, LeadRating, LeadStatusChange, LostReason, ScoringCriterion
from leads.services import scoring
from leads.services.lead import lead_create, lead_update
from leads.services.lifecycle import lead_set_status
from tests import factories as f
from tests.factories.leads import lead_data


def _criterion(name):
    return ScoringCriterion.objects.prefetch_related("options").get(name=name)


def _option(criterion_name, points):
    return _criterion(criterion_name).options.get(points=points)


@pytest.mark.django_db
def test_create_numbers_scores_and_records_status(rep):
    influence = _option("Einfluss", 100)
    result = lead_create(
        data={**lead_data(), "company_name": "Sonnenhof GmbH", "source": f.source("Empfehlung")},
        user=rep,
        interests=[f.interest("Photovoltaik")],
        ratings={influence.criterion_id: influence.pk},
    )
    lead = result.lead
    assert lead.number.startswith("L-")
    assert lead.status.is_default
    assert lead.version == 1
    assert lead.created_by == rep
    # Einfluss 100×3 + Quelle Empfehlung 100×1 of total weight 14
    assert lead.score == round(400 / 14)
    names = [row["name"] for row in lead.score_breakdown]
    assert "Einfluss" in names and "Quelle" in names
    assert LeadRating.objects.filter(lead=lead).count() == 1
    change = LeadStatusChange.objects.get(lead=lead)
    assert change.from_status is None and change.to_status == lead.status
    assert list(lead.interests.values_list("name", flat=True)) == ["Photovoltaik"]
    assert lead.history.exists()


@pytest.mark.django_db
def test_compute_score_weighted_average_and_breakdown():
    criteria = scoring.active_criteria()
    ratings = {c.pk: max(c.options.all(), key=lambda o: o.points).pk for c in criteria}
    score, breakdown = scoring.compute_score(
        source_id=f.source("Empfehlung").pk, ratings=ratings, criteria=criteria
    )
    assert score == 100
    assert sum(row["contribution"] for row in breakdown) == pytest.approx(100, abs=0.5)
    score, breakdown = scoring.compute_score(source_id=None, ratings={}, criteria=criteria)
    assert score == 0 and all(row["points"] == 0 for row in breakdown)


@pytest.mark.django_db
def test_inactive_criterion_is_ignored():
    ScoringCriterion.objects.exclude(name="Einfluss").update(active=False)
    option = _option("Einfluss", 60)
    score, breakdown = scoring.compute_score(source_id=None, ratings={option.criterion_id: option})
    assert score == 60 and len(breakdown) == 1


@pytest.mark.django_db
def test_tampered_rating_of_other_criterion_is_dropped(rep):
    influence = _criterion("Einfluss")
    other = _option("Volumen", 100)
    lead = lead_create(data=lead_data(), user=rep, ratings={influence.pk: other.pk}).lead
    assert lead.score == 0
    assert not LeadRating.objects.filter(lead=lead).exists()


@pytest.mark.django_db
def test_stale_version_raises_conflict_naming_user_and_fields(rep, teammate):
    lead = lead_create(data={**lead_data(), "company_name": "Alt GmbH"}, user=rep).lead
    lead_update(
        lead=lead,
        data={"company_name": "Neu GmbH", "city": "Kiel"},
        user=teammate,
        expected_version=1,
    )
    with pytest.raises(ConflictError) as info:
        lead_update(lead=lead, data={"notes": "meins"}, user=rep, expected_version=1)
    err = info.value
    assert err.changed_by == teammate
    fields = [name for name, _old, _new in err.changes]
    assert "Unternehmen" in fields and "Ort" in fields
    assert ("Unternehmen", "Alt GmbH", "Neu GmbH") in err.changes
    assert "Jonas Keller" in err.message
    assert err.current_version == 2
    lead.refresh_from_db()
    assert lead.notes == "" and lead.version == 2


@pytest.mark.django_db
def test_update_bumps_version_and_rescoring_follows_source(rep):
    lead = lead_create(data=lead_data(), user=rep).lead
    result = lead_update(
        lead=lead, data={"source": f.source("Empfehlung")}, user=rep, expected_version=1
    )
    assert result.lead.version == 2
    assert result.lead.score == round(100 / 14)


@pytest.mark.parametrize(
    ("start", "target", "closed"),
    [
        ("Offen", "Kontaktiert", False),
        ("Offen", "Disqualifiziert", True),
        ("Kontaktiert", "Geschlossen", True),
        ("Geschlossen", "Erneut bearbeiten", False),
    ],
)
@pytest.mark.django_db
def test_status_lifecycle_sets_and_clears_closed_at(rep, start, target, closed):
    reason = LostReason.objects.get(name="Kein Bedarf")  # a lost status needs one (issue #17)
    data = {**lead_data(), "status": f.status(start), "lost_reason": reason}
    lead = lead_create(data=data, user=rep).lead
    lead = lead_set_status(
        lead=lead, status=f.status(target), user=rep, expected_version=1, lost_reason=reason
    )
    assert lead.status.name == target
    assert (lead.lost_reason == reason) is closed  # kept while lost, dropped on leaving
    assert (lead.closed_at is not None) is closed
    assert lead.status_changed_at is not None
    assert lead.version == 2
    assert LeadStatusChange.objects.filter(lead=lead).count() == 2


@pytest.mark.django_db
def test_converted_only_via_conversion(rep):
    lead = lead_create(data=lead_data(), user=rep).lead
    converted = f.status("Konvertiert")
    assert converted.phase == Phase.CONVERTED
    with pytest.raises(LeadError, match="Konvertiert nur über die Konvertierung"):
        lead_set_status(lead=lead, status=converted, user=rep, expected_version=1)
    with pytest.raises(LeadError):
        lead_update(lead=lead, data={"status": converted}, user=rep, expected_version=1)
    lead = lead_set_status(
        lead=lead, status=converted, user=rep, expected_version=1, via_conversion=True
    )
    assert lead.closed_at is not None


@pytest.mark.django_db
def test_rescore_all_async_updates_scores_and_job(rep):
    leads = [
        lead_create(data={**lead_data(), "source": f.source("Messe")}, user=rep).lead
        for _ in range(3)
    ]
    criterion = _criterion("Quelle")
    criterion.weight = 0
    criterion.save()
    ScoringCriterion.objects.exclude(pk=criterion.pk).update(active=False)
    from django.db import transaction

    with transaction.atomic():
        job = scoring.rescore_all_async(rep)
    # eager celery runs on commit; in a test transaction call it directly as well
    from leads.tasks import rescore_all_leads

    rescore_all_leads(job.pk)
    job.refresh_from_db()
    assert job.state in ("done",)
    assert job.done == 3
    assert set(
        Lead.objects.filter(pk__in=[x.pk for x in leads]).values_list("score", flat=True)
    ) == {0}
