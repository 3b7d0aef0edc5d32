"""Role checks for views.

Every screen of the product needs one of the roles (Vertrieb, Vertriebsleitung, Marketing)
or staff; a logged-in user without a role ("outsider") is refused with 403. Object-level
rules (who may edit which lead) live beside the objects, e.g. `leads/permissions.py`.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.models import Role

ALL_ROLES = (Role.SALES, Role.SALES_MANAGER, Role.MARKETING)


def user_has_role(user, *roles: str) -> bool:
    """True for superusers and members of any of `roles` (all roles when empty). The staff
    flag alone opens only the Django admin, never a role of the product."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.has_role(*(roles or ALL_ROLES))


def role_required(*roles: str) -> Callable:
    """Decorator: the user needs one of `roles` (any role when none given), else 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not user_has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin:
    """Class-based equivalent of `role_required`; set `required_roles` on the view."""

    required_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not user_has_role(request.user, *self.required_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
