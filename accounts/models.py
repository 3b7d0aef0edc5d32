"""Users of LeadCRM: sales reps, managers, marketing and admins.

A custom user model from day one (Django's advice), carrying the few per-user settings
the product needs: the mail signature, absence periods (skipped by lead distribution),
the daily digest opt-in and the saved column choices of list screens.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The role groups created by a migration; names are the German group names."""

    SALES = "Vertrieb", _("Vertrieb")
    SALES_MANAGER = "Vertriebsleitung", _("Vertriebsleitung")
    MARKETING = "Marketing", _("Marketing")


class UserQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_role(self, *roles: str):
        return self.filter(groups__name__in=roles).distinct()

    def present_on(self, day):
        """Users not marked absent on `day`."""
        return self.exclude(absent_from__lte=day, absent_until__gte=day)


class LeadCRMUserManager(UserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True


class User(AbstractUser):
    signature = models.TextField(_("E-Mail-Signatur"), blank=True, max_length=2000)
    absent_from = models.DateField(_("Abwesend von"), null=True, blank=True)
    absent_until = models.DateField(_("Abwesend bis"), null=True, blank=True)
    daily_digest = models.BooleanField(
        _("Tägliche Zusammenfassung per E-Mail"),
        default=False,
        help_text=_("Ungelesene Benachrichtigungen der Priorität A einmal täglich per E-Mail."),
    )

    objects = LeadCRMUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("Benutzer")
        verbose_name_plural = _("Benutzer")
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(absent_from__isnull=True)
                | models.Q(absent_until__isnull=True)
                | models.Q(absent_until__gte=models.F("absent_from")),
                name="user_absence_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def initials(self) -> str:
        parts = [self.first_name[:1], self.last_name[:1]]
        return ("".join(parts) or self.username[:2]).upper()

    def has_role(self, *roles: str) -> bool:
        if self.is_superuser:
            return True
        names = getattr(self, "_role_names", None)
        if names is None:
            names = set(self.groups.values_list("name", flat=True))
            self._role_names = names
        return bool(names.intersection(roles))

    @property
    def is_manager(self) -> bool:
        return self.is_superuser or self.has_role(Role.SALES_MANAGER)

    @property
    def has_any_role(self) -> bool:
        return self.has_role(Role.SALES, Role.SALES_MANAGER, Role.MARKETING)

    def is_absent(self, day=None) -> bool:
        day = day or timezone.localdate()
        return bool(
            self.absent_from and self.absent_until and self.absent_from <= day <= self.absent_until
        )


class ListPreference(models.Model):
    """Per-user choices of a list screen (column chooser, sort), keyed by screen."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="list_preferences")
    key = models.CharField(_("Liste"), max_length=50)
    columns = models.JSONField(_("Spalten"), default=list, blank=True)
    options = models.JSONField(_("Optionen"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Listeneinstellung")
        verbose_name_plural = _("Listeneinstellungen")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="listpreference_user_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.key}"


class TokenScope(models.TextChoices):
    READ = "read", _("Nur lesen")
    WRITE = "write", _("Lesen und schreiben")


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Not revoked, not expired, of an active user: the one rule `ApiToken.is_usable` mirrors."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal API token [API-Token]. Only the SHA-256 of the secret is stored; the secret
    is shown once when the token is made (accounts/tokens.py)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("Name"), max_length=80)
    prefix = models.CharField(_("Anfang"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(
        _("Berechtigung"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ
    )
    created_at = models.DateTimeField(_("Angelegt am"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("Gültig bis"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("Zuletzt benutzt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("Widerrufen am"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-Token")
        verbose_name_plural = _("API-Token")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.revoked_at is None
            and self.user.is_active
            and (self.expires_at is None or self.expires_at > now)
        )

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE
