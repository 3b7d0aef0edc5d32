"""The lead's own contact data on an appointment without Geschäftspartner/Ansprechpartner."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_default_mail_templates"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="contact_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="Kontakt"),
        ),
        migrations.AddField(
            model_name="activity",
            name="company_text",
            field=models.CharField(blank=True, max_length=200, verbose_name="Unternehmen (Text)"),
        ),
        migrations.AddField(
            model_name="activity",
            name="contact_phone",
            field=models.CharField(blank=True, max_length=40, verbose_name="Telefon des Kontakts"),
        ),
        migrations.AddField(
            model_name="activity",
            name="contact_email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="E-Mail des Kontakts"),
        ),
    ]
