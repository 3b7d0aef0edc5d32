"""`manage.py apply_retention [--dry-run]`: anonymise leads past the retention period."""

from django.core.management.base import BaseCommand

from privacy.retention import retention_apply
from ui.display import date_text


class Command(BaseCommand):
    help = (
        "Anonymisiert nie konvertierte Leads, die länger als LEADCRM['RETENTION_DAYS'] Tage "
        "nicht geändert wurden (DSGVO). Mit --dry-run wird nur angezeigt, was betroffen wäre."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Nichts ändern, nur die betroffenen Leads auflisten.",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=1000,
            help="Höchstens so viele Leads einzeln auflisten (Standard 1000).",
        )

    def handle(self, *args, dry_run: bool = False, limit: int = 1000, **options):
        result = retention_apply(dry_run=dry_run, list_limit=limit)
        cutoff = date_text(result.cutoff)
        for row in result.leads:
            name = " ".join(
                p for p in (row["company_name"], row["first_name"], row["last_name"]) if p
            )
            self.stdout.write(f"{row['number']}\t{row['updated_at']:%d.%m.%Y}\t{name}")
        if result.count > len(result.leads):
            self.stdout.write(f"… und {result.count - len(result.leads)} weitere")
        if dry_run:
            self.stdout.write(
                self.style.WARNING(
                    f"Probelauf: {result.count} Leads würden anonymisiert "
                    f"(nicht konvertiert, unverändert seit vor dem {cutoff}). Nichts geändert."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{result.count} Leads anonymisiert (unverändert seit vor dem {cutoff}), "
                    f"{result.files_deleted} Visitenkarten gelöscht, "
                    f"{result.activities} Aktivitäten anonymisiert, "
                    f"{result.documents} Dokumente und {result.import_files} Importdateien gelöscht."
                )
            )
