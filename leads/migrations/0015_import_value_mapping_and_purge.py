"""Import: value mapping of choice columns, warnings, the purge of the stored file, and what
finds a person's rows among the import issues (issue #15, points 7 and 10)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0014_default_assignment_rule"),
    ]

    operations = [
        migrations.AddField(
            model_name="leadimport",
            name="choice_values",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="Werte der Auswahlspalten"
            ),
        ),
        migrations.AddField(
            model_name="leadimport",
            name="value_mapping",
            field=models.JSONField(blank=True, default=dict, verbose_name="Wertezuordnung"),
        ),
        migrations.AddField(
            model_name="leadimport",
            name="warning_count",
            field=models.PositiveIntegerField(default=0, verbose_name="Mit Warnung übernommen"),
        ),
        migrations.AddField(
            model_name="leadimport",
            name="file_purged_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="Datei gelöscht am"),
        ),
        migrations.AlterField(
            model_name="leadimportissue",
            name="kind",
            field=models.CharField(
                choices=[("error", "Fehler"), ("duplicate", "Dublette"), ("warning", "Warnung")],
                default="error",
                max_length=10,
                verbose_name="Art",
            ),
        ),
        migrations.AddField(
            model_name="leadimportissue",
            name="email",
            field=models.CharField(
                blank=True, db_index=True, max_length=254, verbose_name="E-Mail"
            ),
        ),
        migrations.AddField(
            model_name="leadimportissue",
            name="phone",
            field=models.CharField(
                blank=True, db_index=True, max_length=40, verbose_name="Telefon"
            ),
        ),
        migrations.AddField(
            model_name="leadimportissue",
            name="lead",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="leads.lead",
                verbose_name="Lead",
            ),
        ),
    ]
