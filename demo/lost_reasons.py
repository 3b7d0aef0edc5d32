"""Why the demo's lost leads were lost: a Verlustgrund (and now and then a note) for each
lead that ends Disqualifiziert or Geschlossen, as its owner would give it on the board.

Drawn from the lead's e-mail, not from the plan's random sequence, so every other story
of the demo stays as it was; the spread over reasons differs by phase the way sales teams
report it (disqualified: no need, wrong contact; closed: budget, competitor).
"""

from __future__ import annotations

import hashlib

from contacts.models import Phase
from leads.models import LostReason

# (reason name, weight, note) per lost phase; names are the defaults of leads/0019
REASONS = {
    Phase.DISQUALIFIED: (
        ("Kein Bedarf", 4, ""),
        ("Falscher Ansprechpartner", 2, "Zuständig ist der Einkauf, Kontakt folgt."),
        ("Nicht erreichbar", 2, "Dreimal angerufen, keine Rückmeldung."),
        ("Dublette", 1, ""),
    ),
    Phase.CLOSED: (
        ("Kein Budget", 3, "Budget erst wieder im nächsten Geschäftsjahr."),
        ("Wettbewerber", 3, "Hat sich für ein günstigeres Angebot entschieden."),
        ("Kein Bedarf", 1, ""),
        ("Sonstiges", 1, "Projekt intern gestoppt."),
    ),
}


class LostReasons:
    """The reasons by name, read once; `for_lead` picks one per lead and phase."""

    def __init__(self) -> None:
        self.by_name = {r.name: r for r in LostReason.objects.active()}
        self.fallback = next(iter(self.by_name.values()), None)

    def for_lead(self, email: str, phase: str) -> dict:
        """`lead_set_status` arguments for a move into `phase` ({} for other phases)."""
        table = REASONS.get(phase)
        if not table:
            return {}
        weighted = [row for row in table for _ in range(row[1])]
        digest = hashlib.sha256(f"{email}:{phase}".encode()).digest()
        name, _weight, note = weighted[digest[0] % len(weighted)]
        reason = self.by_name.get(name, self.fallback)
        if reason is None:  # every reason deactivated: the move would be refused
            return {}
        return {"lost_reason": reason, "lost_note": note if digest[1] % 2 else ""}
