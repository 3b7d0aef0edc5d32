"""Saved selections [Selektionen] of persons, companies or leads."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contacts.models import Company, Person
from leads.models import Lead
from ui.object_urls import object_url


class SelectionTarget(models.TextChoices):
    PERSON = "person", _("Personen")
    COMPANY = "company", _("Firmen")
    LEAD = "lead", _("Leads")


class SelectionKind(models.TextChoices):
    DYNAMIC = "dynamic", _("Dynamisch")
    STATIC = "static", _("Statisch")


class SelectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(Q(owner=user) | Q(shared=True))


class Selection(models.Model):
    name = models.CharField(_("Name"), max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="selections",
        verbose_name=_("Besitzer"),
    )
    shared = models.BooleanField(_("Für alle sichtbar"), default=False)
    target = models.CharField(_("Ziel"), max_length=10, choices=SelectionTarget.choices)
    kind = models.CharField(
        _("Art"), max_length=10, choices=SelectionKind.choices, default=SelectionKind.DYNAMIC
    )
    criteria = models.JSONField(_("Kriterien"), default=list, blank=True)
    persons = models.ManyToManyField(Person, blank=True, related_name="+")
    companies = models.ManyToManyField(Company, blank=True, related_name="+")
    leads = models.ManyToManyField(Lead, blank=True, related_name="+")
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)

    objects = SelectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Selektion")
        verbose_name_plural = _("Selektionen")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="selection_owner_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The selection's page."""
        return object_url("boards:selection_detail", self.pk)
