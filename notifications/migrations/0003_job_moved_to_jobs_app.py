"""Job now belongs to the `jobs` app: drop it from this app's state, keep the table.

Runs after every foreign key to it was re-pointed to `jobs.Job` (`leads.0012`). The
content type is renamed as well, so the admin permissions granted on jobs (and admin log
entries) carry over instead of pointing at a model that no longer exists.
"""

from django.db import migrations


def content_type_to_jobs(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label="jobs", model="job").exists():
        return
    ContentType.objects.filter(app_label="notifications", model="job").update(app_label="jobs")


def content_type_to_notifications(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label="notifications", model="job").exists():
        return
    ContentType.objects.filter(app_label="jobs", model="job").update(app_label="notifications")


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_default_schedules"),
        ("jobs", "0001_initial"),
        ("leads", "0012_lead_import_job_in_jobs_app"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Job")],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_jobs, content_type_to_notifications),
    ]
