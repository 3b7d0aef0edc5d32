"""Filters of the lead board: the lead list's FilterSet (`leads.filters.LeadFilter`), so a
filtered board and a filtered list mean the same thing. The board shows a subset of its
fields (the list's set has more: status, dates, scores)."""

BOARD_FIELDS = ("q", "follow_up_by", "owner", "mine", "source", "type", "interest", "campaign")
