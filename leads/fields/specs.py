"""The row types of the lead's field catalogue (`leads.fields`): a field's section and,
per consumer, how that consumer uses it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from leads.models import Lead


@dataclass(frozen=True)
class Section:
    key: str
    label: Any  # admin fieldset title and, unless `mask_label`, the mask card's heading
    mask_label: Any = None
    collapsed: bool = False  # collapsed in the admin

    @property
    def heading(self):
        return self.mask_label or self.label


GENERAL = Section("general", _("Allgemeine Informationen"))
ORGANISATION = Section("org", _("Organisation und Zuständigkeiten"))
DETAILS = Section("details", _("Detailinformationen"))
RATING = Section("rating", _("Bewertung des Leadpotenzials"))
INTERESTS = Section("interests", _("Interessensschwerpunkte"))
FOLLOW_UP = Section("followup", _("Folgeaktionen und Sonstiges"))
LINKS = Section("links", _("Verknüpfungen"), _("Geschäftspartner und Ansprechpartner"))
CAPTURE = Section("capture", _("Erfassung"), collapsed=True)
LIFECYCLE = Section("lifecycle", _("Lebenszyklus"), collapsed=True)
SECTIONS = (GENERAL, LINKS, ORGANISATION, DETAILS, FOLLOW_UP, RATING, INTERESTS)
ADMIN_SECTIONS = (GENERAL, ORGANISATION, DETAILS, RATING, FOLLOW_UP, LINKS, CAPTURE, LIFECYCLE)


@dataclass(frozen=True)
class ListColumn:
    """A column of the lead list and its column chooser; `key` is what list preferences,
    `?sort=` and the cell templates use."""

    key: str
    at: int
    label: Any = None  # None: the field's verbose name
    sort: bool | str = False  # True: sort by the field; a lookup ("status__rank") sorts by it
    default: bool = False  # shown until the user picks columns
    also: tuple[str, ...] = ()  # further fields the cell reads


@dataclass(frozen=True)
class Import:
    at: int
    aliases: tuple[str, ...]  # header names the automatic mapping recognises (casefolded)
    label: Any = None
    input_length: int | None = None  # raw input parsed before storing; None: model length


@dataclass(frozen=True)
class Capture:
    """Filled from the public web form (`hidden`: carried from the embedding page)."""

    hidden: bool = False
    input_length: int | None = None


@dataclass(frozen=True)
class Merge:
    how: str  # PICK: the user picks the surviving value; see MERGE_* below
    at: int = 0


MERGE_PICK = "pick"  # the user picks the winner's or the loser's value
MERGE_UNION = "union"  # the loser's rows are added to the winner's
MERGE_FILL = "fill"  # the loser's value when the winner has none
MERGE_RECOMPUTE = "recompute"  # computed again for the merged lead


def pick(at: int) -> Merge:
    return Merge(MERGE_PICK, at)


@dataclass(frozen=True)
class Export:
    at: int
    header: Any = None  # None: the field's verbose name


@dataclass(frozen=True)
class Gdpr:
    at: int
    key: str  # German key of the export; "utm.source" nests under "utm"


@dataclass(frozen=True)
class AdminList:
    at: int
    display: str | None = None  # a LeadAdmin display method instead of the field


@dataclass(frozen=True)
class LeadField:
    name: str
    section: Section | None = None  # admin fieldset (and mask card unless `mask_section`)
    mask: bool = False
    mask_section: Section | None = None
    row: str = ""  # admin: neighbours with the same tag share one line
    admin: bool = True  # in the admin fieldsets (when it has a section)
    admin_name: str | None = None  # a display method shown instead of the field
    admin_list: AdminList | None = None
    admin_search: str | None = None  # lookup prefix: "=", "^" or "" (icontains)
    admin_filter: bool = False
    column: ListColumn | None = None
    imports: Import | None = None
    capture: Capture | None = None
    merge: Merge | None = None  # None: the winner's value stays
    export: Export | None = None
    gdpr: Gdpr | None = None
    personal: bool = False  # cleared when the lead is anonymised (erasure, retention)
    internal: str = ""  # why a field appears nowhere

    @property
    def model_field(self):
        return Lead._meta.get_field(self.name)

    @property
    def label(self):
        return self.model_field.verbose_name

    @property
    def shown_on_mask_section(self) -> Section | None:
        return (self.mask_section or self.section) if self.mask else None
