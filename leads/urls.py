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
    path("<int:pk>/loeschen/", mask.lead_delete_view, name="delete"),
    path("<int:pk>/visitenkarte/", files.business_card, name="business_card"),
]

# --- action-box processes (seed 002); owned by the activities engineer, append-only ---
from leads import views_processes  # noqa: E402

urlpatterns += [
    path(
        "<int:pk>/prozesse/ansprechpartner/", views_processes.add_contacts, name="process_contacts"
    ),
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
    path("<int:pk>/prozesse/mitarbeiter/", views_processes.add_employees, name="process_employees"),
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

# --- capture, import, duplicates (capture engineer), append-only ---
from leads.views import capture as capture_views  # noqa: E402
from leads.views import imports as import_views  # noqa: E402

urlpatterns += [
    path("formular/<slug:slug>/", capture_views.web_form, name="web_form"),
    path("formular/<slug:slug>/danke/", capture_views.web_form_thanks, name="web_form_thanks"),
    path("einwilligung/bestaetigen/<str:token>/", capture_views.doi_confirm, name="doi_confirm"),
    path(
        "einwilligung/widerrufen/<str:token>/",
        capture_views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("dubletten/pruefen/", capture_views.duplicate_check, name="duplicate_check"),
    path("import/", import_views.import_upload, name="import_upload"),
    path("import/<int:pk>/zuordnung/", import_views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("import/<int:pk>/abbrechen/", import_views.import_cancel, name="import_cancel"),
    path("import/<int:pk>/fortsetzen/", import_views.import_resume, name="import_resume"),
    path("import/<int:pk>/fehlerbericht.csv", import_views.import_errors, name="import_errors"),
]

# --- conversion, merge, GDPR (capture engineer), append-only ---
from leads.views import conversion as conversion_views  # noqa: E402
from leads.views import gdpr as gdpr_views  # noqa: E402
from leads.views import merge as merge_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/prozesse/konvertieren/", conversion_views.convert, name="convert"),
    path("<int:pk>/zusammenfuehren/", merge_views.lead_merge_view, name="merge"),
    path("<int:pk>/datenschutz/", gdpr_views.lead_gdpr, name="gdpr_lead"),
    path("<int:pk>/datenschutz/export.json", gdpr_views.lead_gdpr_export, name="gdpr_lead_export"),
    path("<int:pk>/datenschutz/loeschen/", gdpr_views.lead_gdpr_erase, name="gdpr_lead_erase"),
    path(
        "<int:pk>/datenschutz/widerruf/",
        gdpr_views.lead_consent_withdraw,
        name="lead_consent_withdraw",
    ),
    path("personen/<int:pk>/datenschutz/", gdpr_views.person_gdpr, name="gdpr_person"),
    path(
        "personen/<int:pk>/datenschutz/export.json",
        gdpr_views.person_gdpr_export,
        name="gdpr_person_export",
    ),
    path(
        "personen/<int:pk>/datenschutz/loeschen/",
        gdpr_views.person_gdpr_erase,
        name="gdpr_person_erase",
    ),
]

# --- person merge (leads follow-up engineer), append-only ---
from leads.views import person_merge as person_merge_views  # noqa: E402

urlpatterns += [
    path(
        "personen/<int:pk>/zusammenfuehren/",
        person_merge_views.person_merge_view,
        name="person_merge",
    ),
]
