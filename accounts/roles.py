"""Role groups and their model permissions (created by a migration, kept in sync by setup)."""

# role -> {app_label: [model, ...] with full rights} plus view-only apps
FULL = "add", "change", "view"

ROLE_PERMISSIONS = {
    "Vertrieb": {
        "leads": ["lead", "leadcontact", "leadrating", "opportunity", "consentrecord"],
        "contacts": ["company", "person"],
        "activities": ["activity"],
        "boards": ["selection"],
        "notifications": ["notification"],
    },
    "Vertriebsleitung": {
        "leads": ["lead", "leadcontact", "leadrating", "opportunity", "consentrecord"],
        "contacts": ["company", "person"],
        "activities": ["activity"],
        "boards": ["selection"],
        "notifications": ["notification"],
    },
    "Marketing": {
        "leads": ["lead", "leadcontact", "leadrating", "consentrecord", "campaign"],
        "contacts": ["company", "person"],
        "activities": ["activity"],
        "boards": ["selection"],
        "notifications": ["notification"],
    },
}

# Single permissions beyond the model rights: (app_label, codename).
EXTRA_PERMISSIONS = {"Vertriebsleitung": [("privacy", "erase_personal_data")]}

# Only managers delete business records.
DELETE_ROLES = {
    "Vertriebsleitung": {"leads": ["lead", "opportunity"], "contacts": ["company", "person"]}
}


def sync(apps) -> None:
    """Create the groups and give them their permissions (idempotent)."""
    from django.contrib.auth.management import create_permissions

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        codenames = [
            (app, f"{action}_{model}")
            for app, models in grants.items()
            for model in models
            for action in FULL
        ]
        codenames += [
            (app, f"delete_{model}")
            for app, models in DELETE_ROLES.get(role, {}).items()
            for model in models
        ]
        codenames += EXTRA_PERMISSIONS.get(role, [])
        perms = [
            p
            for app, codename in codenames
            for p in Permission.objects.filter(content_type__app_label=app, codename=codename)
        ]
        group.permissions.set(perms)
