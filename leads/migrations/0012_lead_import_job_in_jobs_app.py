"""`LeadImport.job` points at `jobs.Job` (the model moved apps; same table, state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0011_fewer_lead_indexes"),
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="leadimport",
                    name="job",
                    field=models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="lead_import",
                        to="jobs.job",
                        verbose_name="Auftrag",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
