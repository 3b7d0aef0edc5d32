"""`manage.py sla_backfill`: due times, first responses and past breaches of existing leads."""

from django.core.management.base import BaseCommand

from sla.jobs import sla_backfill


class Command(BaseCommand):
    help = "Reaktionszeiten (SLA) für vorhandene Leads nachberechnen (in Portionen, wiederholbar)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, batch_size: int, **options):
        def progress(last_id, run):
            self.stdout.write(f"bis Lead-ID {last_id}: {run.as_dict()}")

        run = sla_backfill(batch_size=max(100, min(batch_size, 50000)), progress=progress)
        self.stdout.write(self.style.SUCCESS(f"fertig: {run.as_dict()}"))
