"""A fresh install distributes new leads: the default rule "Vertrieb reihum".

Round robin over every active user with the role Vertrieb (`AssignmentRule.member_role`),
ranked last so any rule an admin adds first wins. Web-form and imported leads therefore
get an owner out of the box; a lead no rule can place notifies the Vertriebsleitung.
Created only when no rule of that name exists (the demo setup and re-runs add none).
"""

from django.db import migrations, models

from leads import defaults


def create_default_rule(apps, schema_editor):
    defaults.load_default_rule(apps)


def remove_default_rule(apps, schema_editor):
    AssignmentRule = apps.get_model("leads", "AssignmentRule")
    AssignmentRule.objects.filter(name=defaults.DEFAULT_RULE, member_role="Vertrieb").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0013_opportunity_moved_to_opportunities"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignmentrule",
            name="member_role",
            field=models.CharField(
                blank=True,
                choices=[
                    ("Vertrieb", "Vertrieb"),
                    ("Vertriebsleitung", "Vertriebsleitung"),
                    ("Marketing", "Marketing"),
                ],
                help_text=(
                    "Leer: die unten eingetragenen Mitglieder. Mit Rolle: alle aktiven "
                    "Benutzer dieser Rolle (Gewicht und Position stehen bei den Mitgliedern)."
                ),
                max_length=50,
                verbose_name="Mitglieder: alle mit der Rolle",
            ),
        ),
        migrations.RunPython(create_default_rule, remove_default_rule),
    ]
