"""`Opportunity` now belongs to the opportunities app (same table, state only; see
`opportunities.0001_initial`)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0012_lead_import_job_in_jobs_app"),
        ("opportunities", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Opportunity")],
            database_operations=[],
        ),
    ]
