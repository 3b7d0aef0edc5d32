"""Template context shared by every page: the main navigation."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# label, url name, icon, app namespaces that mark it active
NAVIGATION = [
    (_("Leads"), "leads:list", "bi-person-lines-fill", {"leads"}),
    (_("Firmen"), "contacts:company_list", "bi-building", {"contacts:company"}),
    (_("Personen"), "contacts:person_list", "bi-people", {"contacts:person"}),
    (_("Aktivitäten"), "activities:list", "bi-calendar-check", {"activities"}),
    (_("Kalender"), "agenda:week", "bi-calendar3", {"agenda"}),
    (_("Verkaufschancen"), "opportunities:list", "bi-briefcase", {"opportunities"}),
    (_("Board"), "boards:lead_board", "bi-kanban", {"boards:lead_board", "boards:selection_board"}),
    (_("Auswertungen"), "boards:dashboard", "bi-graph-up", {"boards:dashboard"}),
    (
        _("Selektionen"),
        "boards:selection_list",
        "bi-funnel",
        {f"boards:selection_{v}" for v in ("list", "create", "detail", "rename", "delete")},
    ),
]


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = f"{match.app_name}:{match.url_name}" if match else ""
    items = []
    for label, url_name, icon, prefixes in NAVIGATION:
        url = reverse(url_name)
        active = any(current == p or current.startswith(p) for p in prefixes)
        items.append({"label": label, "url": url, "icon": icon, "active": active})
    return {"main_navigation": items}
