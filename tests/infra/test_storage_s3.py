"""Object storage on a real S3-compatible server (moto, started by scripts/test): business
cards, documents and import files go to the bucket, are served only through a permission
check and a short-lived presigned redirect, the import (the worker's task) reads its file
from the bucket, and nothing in the bucket is readable without a signature.

moto (without its IAM mode) checks neither the expiry nor the signature of a presigned URL
and lets an anonymous client list a bucket; the tests therefore assert the signature's
lifetime that we send (X-Amz-Expires, X-Amz-Date) and the ACLs on bucket and objects,
besides the anonymous, unsigned object GET that moto does refuse (403)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from activities.models import Document
from leads.models import Lead, LeadImport
from leads.services import uploads
from tests.capture.test_import_leads import make_csv
from tests.factories import ActivityFactory
from tests.infra.conftest import s3_keys
from tests.leads.test_leads_mask import _form_data
from ui.private_files import presigns_urls

pytestmark = [pytest.mark.s3, pytest.mark.django_db]

PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _get(url: str) -> tuple[int, bytes, Message]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def _assert_private(client, bucket: str, key: str, endpoint: str) -> None:
    grants = client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    assert not [g for g in grants if g["Grantee"].get("URI") in PUBLIC_GROUPS], grants
    bucket_grants = client.get_bucket_acl(Bucket=bucket)["Grants"]
    assert not [g for g in bucket_grants if g["Grantee"].get("URI") in PUBLIC_GROUPS]
    status, _body, _headers = _get(f"{endpoint}/{bucket}/{key}")  # no signature
    assert status == 403


def _upload_card(rep_client, company: str) -> Lead:
    data = _form_data(company_name=company)
    data["business_card"] = SimpleUploadedFile("karte.png", _png(), content_type="image/png")
    response = rep_client.post(reverse("leads:create"), data)
    assert response.status_code == 302
    return Lead.objects.get(company_name=company)


def test_business_card_goes_to_the_bucket_and_is_served_by_a_presigned_redirect(
    s3, rep_client, outsider_client, client
):
    s3_client, bucket, endpoint = s3
    assert presigns_urls(default_storage)
    lead = _upload_card(rep_client, "Bucket GmbH")
    name = lead.business_card.name
    assert s3_keys(s3_client, bucket) == sorted([name, uploads.thumbnail_name(name)])
    assert not (Path(settings.MEDIA_ROOT) / "business_cards").exists()  # nothing on disk
    _assert_private(s3_client, bucket, name, endpoint)

    url = reverse("leads:business_card", args=[lead.pk])
    response = rep_client.get(url)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"  # never outlives the signature
    location = response["Location"]
    assert location.startswith(f"{endpoint}/{bucket}/business_cards/")
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["60"]
    signed_at = dt.datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(
        tzinfo=dt.UTC
    )
    assert abs((dt.datetime.now(dt.UTC) - signed_at).total_seconds()) < 60
    assert query["X-Amz-Signature"][0]
    status, body, headers = _get(location)
    assert status == 200
    assert body == s3_client.get_object(Bucket=bucket, Key=name)["Body"].read()
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Disposition"] == "inline"

    thumb = rep_client.get(url + "?thumb=1")
    assert thumb.status_code == 302
    assert uploads.thumbnail_name(name) in thumb["Location"]

    # no permission, no URL: the outsider (no role) and the anonymous visitor get none
    refused = outsider_client.get(url)
    assert refused.status_code == 403 and "Location" not in refused
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert urlsplit(anonymous["Location"]).path == reverse("login")


def test_expiry_follows_the_setting(s3, settings, rep_client):
    settings.S3_URL_EXPIRES = 5
    lead = _upload_card(rep_client, "Kurz GmbH")
    response = rep_client.get(reverse("leads:business_card", args=[lead.pk]))
    assert parse_qs(urlsplit(response["Location"]).query)["X-Amz-Expires"] == ["5"]


def test_import_file_is_stored_in_the_bucket_and_the_import_reads_it_from_there(
    s3, marketing_client, django_capture_on_commit_callbacks
):
    s3_client, bucket, endpoint = s3
    response = marketing_client.post(
        reverse("capture:import_upload"),
        {"file": SimpleUploadedFile("messe.csv", make_csv())},
    )
    assert response.status_code == 302
    lead_import = LeadImport.objects.get()
    key = lead_import.file.name
    assert key in s3_keys(s3_client, bucket)
    assert not (Path(settings.MEDIA_ROOT) / "imports").exists()
    _assert_private(s3_client, bucket, key, endpoint)
    data = {f"map_{i}": lead_import.mapping.get(h, "") for i, h in enumerate(lead_import.headers)}
    data["duplicate_mode"] = "skip"
    response = marketing_client.post(reverse("capture:import_mapping", args=[lead_import.pk]), data)
    # the run (the Celery task, eager here) opens the file through the storage: the bucket
    with django_capture_on_commit_callbacks(execute=True):
        marketing_client.post(response.url, {})
    assert Lead.objects.filter(company_name="Müller Energie GmbH").exists()
    assert Lead.objects.count() == 3


def test_document_download_is_a_presigned_attachment(s3, rep_client, outsider_client):
    s3_client, bucket, endpoint = s3
    activity = ActivityFactory()
    document = Document(title="Preisliste")
    document.file.save("preisliste.html", ContentFile(b"<script>alert(1)</script>"), save=True)
    activity.documents.add(document)
    url = reverse("activities:document_download", args=[activity.pk, document.pk])
    response = rep_client.get(url)
    assert response.status_code == 302
    status, body, headers = _get(response["Location"])
    assert status == 200 and body == b"<script>alert(1)</script>"
    assert headers["Content-Disposition"].startswith("attachment")
    _assert_private(s3_client, bucket, document.file.name, endpoint)
    assert outsider_client.get(url).status_code == 403
    other = ActivityFactory()
    # a document is reached only through an activity it is attached to
    assert (
        rep_client.get(
            reverse("activities:document_download", args=[other.pk, document.pk])
        ).status_code
        == 404
    )


def test_local_disk_stays_the_default_and_streams(rep_client):
    assert not presigns_urls(default_storage)
    lead = _upload_card(rep_client, "Platte GmbH")
    response = rep_client.get(reverse("leads:business_card", args=[lead.pk]))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.django_db(databases=[])
def test_settings_switch_builds_the_s3_storage_from_the_environment(s3):
    """settings.py itself, with the S3_* variables: the backend the tests above use."""
    _client, bucket, endpoint = s3
    env = {
        **os.environ,
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": "eu-central-1",
        "S3_ACCESS_KEY_ID": "k",
        "S3_SECRET_ACCESS_KEY": "s",
        "S3_URL_EXPIRES": "60",
    }
    code = (
        "import json; from leadcrm import settings as s; "
        "print(json.dumps([s.STORAGES['default'], s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'][-1]]))"
    )
    out = subprocess.run(  # noqa: S603 - our interpreter, fixed code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    storage, img_origin = json.loads(out.stdout)
    expected = {**settings.STORAGES["default"]["OPTIONS"], "access_key": "k", "secret_key": "s"}
    assert storage == {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": expected}
    assert img_origin == endpoint  # the thumbnail may load from the bucket (CSP img-src)
    bad = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import leadcrm.settings"],
        env={**env, "S3_URL_EXPIRES": "0"},
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "S3_URL_EXPIRES" in bad.stderr
