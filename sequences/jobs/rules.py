"""Enrol new leads by the sequences' rules (beat).

Set-based: per sequence with a rule, one query finds the ids of leads created since the
rule's start that match its filters, may join (`services.enrolable`) and were never in
this sequence (a lead that finished or was stopped is not enrolled again by the rule);
they are inserted in batches with ON CONFLICT DO NOTHING. Safe to run twice.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from leads.models import Lead
from sequences.models import Enrolment, Sequence
from sequences.services import enrol_many, enrolable, first_step


def rule_candidates(sequence: Sequence):
    been_in = Enrolment.objects.filter(sequence=sequence, lead=OuterRef("pk"))
    return enrolable(Lead.objects.filter(sequence.rule_q())).exclude(Exists(been_in))


def enrol_by_rules() -> dict[str, int]:
    enrolled: dict[str, int] = {}
    for sequence in Sequence.objects.with_rule():
        if first_step(sequence) is None:
            continue
        ids = list(rule_candidates(sequence).order_by("pk").values_list("pk", flat=True))
        enrolled[sequence.name] = enrol_many(sequence=sequence, lead_ids=ids, user=None)
    return enrolled
