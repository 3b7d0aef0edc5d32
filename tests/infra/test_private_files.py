"""Private files on the local disk (the default): documents of an activity are streamed
as attachments to users with a role, in a constant number of queries; the outsider and
the anonymous visitor get nothing."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from activities.models import Document
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def document_url():
    activity = ActivityFactory(email_out=True)  # the mail card lists its attachments
    document = Document(title="Preisliste")
    document.file.save("preisliste.html", ContentFile(b"<script>alert(1)</script>"), save=True)
    activity.documents.add(document)
    return reverse("activities:document_download", args=[activity.pk, document.pk])


def test_document_is_streamed_as_attachment(
    rep_client, document_url, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = rep_client.get(document_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"


def test_document_refusals(outsider_client, client, rep_client, document_url):
    assert outsider_client.get(document_url).status_code == 403
    assert client.get(document_url).status_code == 302
    assert rep_client.post(document_url).status_code == 405


def test_missing_file_is_404(rep_client, document_url):
    document = Document.objects.get()
    document.file.storage.delete(document.file.name)
    assert rep_client.get(document_url).status_code == 404


def test_activity_card_links_its_documents(rep_client, document_url):
    document = Document.objects.get()
    activity = document.activities.get()
    page = rep_client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert f'href="{document_url}"' in page
