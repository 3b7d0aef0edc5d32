"""The catalogs in locale/ compile, and the admin speaks English when asked."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

CATALOGS = ["de/LC_MESSAGES/django.po", "en/LC_MESSAGES/django.po", "de/LC_MESSAGES/djangojs.po"]


@pytest.mark.parametrize("catalog", CATALOGS)
def test_catalog_compiles_with_matching_placeholders(catalog):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext (msgfmt) is not installed")
    path = Path(settings.BASE_DIR) / "locale" / catalog
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [msgfmt, "--check-format", "--check-header", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_admin_in_english(admin_client_staff):
    if not (Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.mo").exists():
        pytest.skip("translations are not compiled (make messages)")
    response = admin_client_staff.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "LeadCRM administration" in body
    assert "Lead statuses" in body or "Lead status" in body
