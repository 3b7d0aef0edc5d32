from django.urls import path

from boards.views import board, bulk, dashboard, lead_bulk
from boards.views import selections as selection_views

app_name = "boards"

urlpatterns: list = []

# Kanban boards
urlpatterns += [
    path("board/", board.lead_board, name="lead_board"),
    path("board/spalte/<int:status_id>/", board.lead_board_more, name="lead_board_more"),
    path("board/lead/<int:pk>/verschieben/", board.lead_move, name="lead_move"),
    path("selektionen/<int:pk>/board/", board.selection_board, name="selection_board"),
    path(
        "selektionen/<int:pk>/board/spalte/<int:status_id>/",
        board.selection_board_more,
        name="selection_board_more",
    ),
    path(
        "selektionen/<int:pk>/board/person/<int:person_pk>/verschieben/",
        board.selection_person_move,
        name="selection_person_move",
    ),
]

# Selections and bulk updates of their members or of find results
urlpatterns += [
    path("selektionen/", selection_views.selection_list, name="selection_list"),
    path("selektionen/neu/", selection_views.selection_create, name="selection_create"),
    path("selektionen/<int:pk>/", selection_views.selection_detail, name="selection_detail"),
    path(
        "selektionen/<int:pk>/umbenennen/",
        selection_views.selection_rename,
        name="selection_rename",
    ),
    path(
        "selektionen/<int:pk>/loeschen/", selection_views.selection_delete, name="selection_delete"
    ),
    path("massenaenderung/", bulk.bulk_update, name="bulk_update"),
    path("massenaenderung/<int:job_id>/", bulk.bulk_job, name="bulk_job"),
    path("massenaenderung/leads/", lead_bulk.lead_bulk, name="lead_bulk"),
]

# Dashboard "Auswertungen von Leads"
urlpatterns += [
    path("auswertungen/", dashboard.lead_dashboard, name="dashboard"),
    path("auswertungen/<slug:key>.csv", dashboard.lead_dashboard_csv, name="dashboard_csv"),
]
