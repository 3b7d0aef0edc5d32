from django.urls import path

from leads.views import export, files, lists, mask

app_name = "leads"

# --- lead list and mask (leads engineer) ---
urlpatterns: list = [
    path("", lists.lead_list, name="list"),
    path("spalten/", lists.lead_columns, name="columns"),
    path("export/", export.lead_export, name="export"),
    path("neu/", mask.lead_create_view, name="create"),
    path("score-vorschau/", mask.score_preview, name="score_preview"),
    path("suche/firmen/", mask.company_search, name="company_search"),
    path("suche/personen/", mask.person_search, name="person_search"),
    path("<int:pk>/", mask.lead_detail, name="detail"),
    path("<int:pk>/verlauf/", mask.lead_history_view, name="history"),
    path("<int:pk>/visitenkarte/", files.business_card, name="business_card"),
]

# --- action-box processes (seed 002); owned by the activities engineer, append-only ---
from leads import views_processes  # noqa: E402

urlpatterns += [
    path("<int:pk>/prozesse/ansprechpartner/", views_processes.add_contacts, name="process_contacts"),
    path(
        "<int:pk>/prozesse/ansprechpartner/suche/",
        views_processes.contact_search,
        name="process_contact_search",
    ),
    path(
        "<int:pk>/prozesse/terminbestaetigung/",
        views_processes.appointment_confirmation,
        name="process_confirmation",
    ),
    path(
        "<int:pk>/prozesse/mitarbeiter/", views_processes.add_employees, name="process_employees"
    ),
    path(
        "<int:pk>/prozesse/infomaterial/",
        views_processes.info_material,
        name="process_info_material",
    ),
    path(
        "<int:pk>/prozesse/mail/<int:activity_pk>/",
        views_processes.mail_dialog,
        name="process_mail",
    ),
]
