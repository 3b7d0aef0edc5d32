"""Lead-status rules on persons (seed 000), as pure functions the services and views share."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contacts.models import Category


def lead_status_applies(category: Category | None) -> bool:
    """The lead status is shown and editable only for a prospect category with it enabled."""
    from contacts.models import GroupKind

    return bool(
        category is not None
        and category.lead_status_enabled
        and category.group.kind == GroupKind.PROSPECT
    )
