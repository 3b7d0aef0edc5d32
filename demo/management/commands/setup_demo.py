"""`manage.py setup_demo`: default lists always; demo users and demo data with DEBUG only.

Safe to run any number of times: the default lists are loaded with get_or_create, users
by username, and the demo data by natural keys (see demo/builder.py).
The credential table is printed only in the run that created the users.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from activities import defaults as activity_defaults
from contacts import defaults as contact_defaults
from demo import catalog as cat
from leads import defaults as lead_defaults


class Command(BaseCommand):
    help = (
        "Lädt die Standardlisten und legt – nur bei DEBUG=True – Demo-Benutzer und "
        "Demodaten an (mehrfach ausführbar, legt nichts doppelt an)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-data",
            action="store_true",
            help="Nur Standardlisten und Demo-Benutzer, keine Demodaten.",
        )

    def handle(self, *args, no_data: bool = False, **options):
        with transaction.atomic():
            contact_defaults.load(apps)
            lead_defaults.load(apps)
            lead_defaults.load_lost_reasons(apps)
            activity_defaults.load(apps)
        self.stdout.write("Standardlisten geladen.")

        if not settings.DEBUG:
            self.stdout.write(
                self.style.WARNING(
                    "DEBUG ist aus: keine Demo-Benutzer und keine Demodaten angelegt."
                )
            )
            return

        with transaction.atomic():
            users, created = self._users()
        if created:
            self._print_credentials(created)
        else:
            self.stdout.write("Demo-Benutzer sind bereits vorhanden.")

        if no_data:
            return
        from demo.builder import DemoBuilder

        with transaction.atomic():
            stats = DemoBuilder(users).run()
        if stats:
            summary = ", ".join(f"{n} {label}" for label, n in stats.items())
            self.stdout.write(self.style.SUCCESS(f"Demodaten angelegt: {summary}."))
        else:
            self.stdout.write("Demodaten sind bereits vorhanden.")

    def _users(self) -> tuple[dict[str, User], list[tuple[str, str, str]]]:
        users: dict[str, User] = {}
        created_rows = []
        for username, first, last, role in cat.DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@leadcrm.example",
                    "is_staff": role is None,
                    "is_superuser": role is None,
                    "signature": (
                        f"{first} {last}\n{role or 'Administration'}\n"
                        "LeadCRM Demo GmbH · Solarweg 1 · 80331 München"
                    ),
                    "daily_digest": role == "Vertriebsleitung",
                },
            )
            if created:
                user.set_password(cat.DEMO_PASSWORD)
                user.save(update_fields=["password"])
                if role:
                    group, _ = Group.objects.get_or_create(name=role)
                    user.groups.add(group)
                created_rows.append((username, f"{first} {last}", role or "Administrator"))
            users[username] = user
        return users, created_rows

    def _print_credentials(self, rows: list[tuple[str, str, str]]) -> None:
        width = max(len(r[1]) for r in rows)
        self.stdout.write(self.style.SUCCESS("Demo-Benutzer angelegt:"))
        self.stdout.write(f"  {'Benutzer':<10}  {'Name':<{width}}  {'Rolle':<17}  Passwort")
        for username, name, role in rows:
            self.stdout.write(f"  {username:<10}  {name:<{width}}  {role:<17}  {cat.DEMO_PASSWORD}")
