"""Notifications store their kind and parameters; the text is rendered when read.

Rows from before keep their stored title and text (`params` stays NULL, and
`notifications.kinds.render` shows the stored text for them), so nothing old goes blank.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_job_moved_to_jobs_app"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, null=True, verbose_name="Parameter"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="title",
            field=models.CharField(blank=True, max_length=200, verbose_name="Titel"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("entity", "Entität"),
                    ("follow_up_overdue", "Nachbetreuung überfällig"),
                    ("appointment_created", "Neuer Termin"),
                    ("appointment_changed", "Termin geändert"),
                    ("appointment_reminder", "Terminerinnerung"),
                    ("lead_assigned", "Lead zugewiesen"),
                    ("lead_unassigned", "Lead ohne Zuständigkeit"),
                    ("leads_unassigned", "Importierte Leads ohne Zuständigkeit"),
                    ("web_repeat", "Erneute Webanfrage"),
                    ("stale_digest", "Veraltete Leads"),
                    ("digest_sent", "Zusammenfassung versendet"),
                    ("system", "System"),
                ],
                default="entity",
                max_length=30,
                verbose_name="Art",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="priority",
            field=models.CharField(
                choices=[("A", "A – dringend"), ("B", "B – wichtig"), ("C", "C – zur Kenntnis")],
                default="B",
                max_length=1,
                verbose_name="Priorität",
            ),
        ),
    ]
