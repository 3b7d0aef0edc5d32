from django.urls import include, path

from activities.views import card, documents, lists, subarea
from activities.webhooks import anymail_webhook_patterns

app_name = "activities"

urlpatterns = [
    path("", lists.activity_list_view, name="list"),
    path("neu/", card.activity_create, name="create"),
    path("unterbereich/", subarea.activity_subarea, name="subarea"),
    path("<int:pk>/", card.activity_detail, name="detail"),
    path("<int:pk>/bearbeiten/", card.activity_edit, name="edit"),
    path("<int:pk>/erledigt/", card.activity_done, name="done"),
    path(
        "<int:pk>/dokumente/<int:document_pk>/",
        documents.document_download,
        name="document_download",
    ),
    # ESP delivery events: /aktivitaeten/webhooks/anymail/<esp>/tracking/
    path("webhooks/anymail/", include((anymail_webhook_patterns(), "anymail"))),
]
