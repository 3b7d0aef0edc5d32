"""Saved views [Ansichten] of the lead list: filters and sort (a querystring) plus columns.

Personal or shared; only the owner renames, changes or deletes one. Each user has at most
one default view (a partial unique constraint), opened when the list is called plain.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SavedViewQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(Q(owner=user) | Q(shared=True))


class SavedView(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lead_views",
        verbose_name=_("Besitzer"),
    )
    name = models.CharField(_("Name"), max_length=80)
    shared = models.BooleanField(_("Für alle sichtbar"), default=False)
    querystring = models.CharField(_("Filter und Sortierung"), max_length=4000, blank=True)
    columns = models.JSONField(_("Spalten"), default=list, blank=True)
    is_default = models.BooleanField(_("Standardansicht"), default=False)
    position = models.PositiveSmallIntegerField(_("Position"), default=0)
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("Gespeicherte Ansicht")
        verbose_name_plural = _("Gespeicherte Ansichten")
        ordering = ["position", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="savedview_owner_name_unique"),
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(is_default=True),
                name="savedview_one_default_per_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name
