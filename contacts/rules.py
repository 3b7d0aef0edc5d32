"""Lead-status rules on persons (seed 000), as pure functions the services and views share.

The rule itself is `Category.uses_lead_status` (with its filter twin
`Category.uses_lead_status_q`); this module answers it for "no category" too and imports
no model, so `contacts.models` can use it without a cycle.
"""

from __future__ import annotations

from typing import Protocol


class _Category(Protocol):
    @property
    def uses_lead_status(self) -> bool: ...


def lead_status_applies(category: _Category | None) -> bool:
    """The lead status is shown and editable only for a prospect category with it enabled."""
    return category is not None and category.uses_lead_status
