"""Template helpers of the boards, for what each of the ~100 cards on a board repeats."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_noop as N_

from boards.cards import lead_card_movable
from leads.score_bands import score_band
from ui.display import date_text
from ui.html import esc as _esc
from ui.object_urls import object_url

register = template.Library()


@register.simple_tag(takes_context=True)
def lead_card(context, card) -> SafeString:
    """A lead card of the board, the same markup the card template had, built in Python
    (a board shows up to 20 cards × every column; the template cost ~2 ms a card)."""
    texts = _texts()
    placed = context.get("placed")
    pk = card.pk
    move_url = object_url("boards:lead_move", pk)
    detail_url_name = context.get("detail_url_name")
    number = _esc(card.number)
    if detail_url_name:
        head = (
            f'<a class="small fw-semibold text-decoration-none" '
            f'href="{_esc(object_url(detail_url_name, pk))}">{number}</a>'
        )
    else:
        head = f'<span class="small fw-semibold">{number}</span>'
    until = card.follow_up_until
    if until:
        overdue = card.follow_up_overdue(context["today"])
        css = "text-danger fw-semibold board-overdue" if overdue else "text-body-secondary"
        hint = f' <span class="visually-hidden">({texts["overdue"]})</span>' if overdue else ""
        follow_up = (
            f'<span class="{css}" title="{texts["until"]}">\n'
            f'        <i class="bi bi-calendar-event" aria-hidden="true"></i>'
            f'<span class="visually-hidden">{texts["until"]}</span> '
            f"{date_text(until)}{hint}\n      </span>"
        )
    else:
        follow_up = f'<span class="text-body-secondary">{texts["no_follow_up"]}</span>'
    owner = card.follow_up_by
    if owner:
        initials = (
            f'<span class="owner-initials" title="{texts["by"]}: {_esc(owner)}">'
            f"{_esc(owner.initials)}</span>"
        )
    else:
        initials = f'<span class="owner-initials owner-none" title="{texts["nobody"]}">–</span>'
    prev = f' data-prev-status="{_esc(context.get("from_status"))}"' if placed else ""
    if lead_card_movable(context.get("user"), card):
        locked = ""
        menu = _status_menu(
            context,
            texts,
            kind="lead",
            pk=pk,
            version=card.version,
            status_id=card.status_id,
            action=move_url,
        )
    else:  # board.js does not let Sortable drag a locked card; no status menu either
        locked = ' board-card-locked" data-locked="true'
        menu = (
            f'<p class="small text-body-secondary mb-0 mt-1">'
            f'<i class="bi bi-lock" aria-hidden="true"></i> {texts["read_only"]}</p>'
        )
    html = f"""<article class="board-card card{" js-place" if placed else ""}{locked}" id="card-lead-{pk}" tabindex="-1"
         data-id="{pk}" data-status-id="{card.status_id}" data-version="{card.version}"
         data-move-url="{_esc(move_url)}"{prev}
         aria-label="{number} {_esc(card.display_name)}">
  <div class="card-body p-2">
    <div class="d-flex justify-content-between align-items-center gap-2">
      {head}
      <span class="badge score-badge lc-score-{score_band(card.score)}" title="{texts["score"]}">{card.score}</span>
    </div>
    <div class="fw-semibold text-truncate" title="{_esc(card.company_name)}">{_esc(card.company_name or "—")}</div>
    <div class="small text-body-secondary text-truncate">{_esc(card.contact_name or "—")}</div>
    <div class="d-flex justify-content-between align-items-center mt-1 small">
      {follow_up}
      {initials}
    </div>
    {menu}
  </div>
</article>"""
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 - every value above is escaped


@register.simple_tag(takes_context=True)
def card_status_menu(context, card, action) -> SafeString:
    """The menu of a person card (lead cards build theirs in lead_card)."""
    html = _status_menu(
        context,
        _texts(),
        kind=context.get("kind"),
        pk=card.pk,
        version=card.version,
        status_id=card.lead_status_id,
        action=action,
    )
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 - every value is escaped


def _status_menu(context, texts, *, kind, pk, version, status_id, action) -> str:
    """The card's "Status ändern" menu (works without JavaScript and by keyboard)."""
    token = context.get("csrf_token")
    csrf = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{_esc(token)}">'
        if token and token != "NOTPROVIDED"  # noqa: S105 - Django's marker, not a secret
        else ""
    )
    action = _esc(action)
    options = _options(tuple((s.pk, s.name) for s in context.get("statuses", ())), status_id)
    return f"""<details class="board-card-menu mt-1">
  <summary class="small text-body-secondary">{texts["change"]}</summary>
  <form method="post" action="{action}" class="d-flex gap-1 mt-1"
        hx-post="{action}" hx-target="closest .board-card" hx-swap="outerHTML">
    {csrf}
    <input type="hidden" name="version" value="{version}">
    <input type="hidden" name="from_status" value="{"" if status_id is None else status_id}">
    <input type="hidden" name="next" value="{_esc(context.get("board_url", ""))}">
    <label class="visually-hidden" for="status-{kind}-{pk}">{texts["new_status"]}</label>
    <select class="form-select form-select-sm" id="status-{kind}-{pk}" name="status">
      {options}
    </select>
    <button class="btn btn-sm btn-outline-primary" type="submit">{texts["move"]}</button>
  </form>
</details>"""


@lru_cache(maxsize=256)
def _options(statuses: tuple[tuple[int, str], ...], selected) -> str:
    """The <option>s of the menu; the same few lists repeat on every card of a board."""
    return "".join(
        f'<option value="{pk}"{" selected" if pk == selected else ""}>{_esc(name)}</option>'
        for pk, name in statuses
    )


def _texts() -> dict[str, str]:
    return _texts_in(get_language())


@lru_cache(maxsize=16)
def _texts_in(language: str | None) -> dict[str, str]:
    """The card's fixed texts in `language` (the active one), escaped."""
    return {
        key: _esc(gettext(text))
        for key, text in (
            ("score", N_("Lead-Score")),
            ("until", N_("Nachbetreuung bis")),
            ("overdue", N_("überfällig")),
            ("no_follow_up", N_("keine Nachbetreuung")),
            ("by", N_("Nachbetreuung durch")),
            ("nobody", N_("ohne Zuständigkeit")),
            ("change", N_("Status ändern")),
            ("new_status", N_("Neuer Status")),
            ("move", N_("Verschieben")),
            ("read_only", N_("Nur lesbar")),
        )
    }
