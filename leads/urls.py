from django.urls import path

from leads.views import export, files, lists, mask, saved_views, timeline

app_name = "leads"

urlpatterns = [
    path("", lists.lead_list, name="list"),
    path("spalten/", lists.lead_columns, name="columns"),
    path("export/", export.lead_export, name="export"),
    path("ansichten/", saved_views.saved_view_save, name="view_save"),
    path("ansichten/<int:pk>/", saved_views.saved_view_open, name="view_open"),
    path("ansichten/<int:pk>/aendern/", saved_views.saved_view_change, name="view_change"),
    path("neu/", mask.lead_create_view, name="create"),
    path("score-vorschau/", mask.score_preview, name="score_preview"),
    path("suche/firmen/", mask.company_search, name="company_search"),
    path("suche/personen/", mask.person_search, name="person_search"),
    path("<int:pk>/", mask.lead_detail, name="detail"),
    path("<int:pk>/verlauf/", mask.lead_history_view, name="history"),
    path("<int:pk>/loeschen/", mask.lead_delete_view, name="delete"),
    path("<int:pk>/visitenkarte/", files.business_card, name="business_card"),
    path("<int:pk>/timeline/", timeline.timeline, name="timeline"),
    path("<int:pk>/timeline/<slug:kind>/", timeline.quick_log, name="quick_log"),
    path(
        "<int:pk>/timeline/aktivitaet/<int:activity_pk>/erledigt/",
        timeline.activity_done,
        name="timeline_done",
    ),
]
