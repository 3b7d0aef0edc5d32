from django.urls import path  # noqa: F401

app_name = "leads"

urlpatterns: list = []

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
