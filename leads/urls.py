from django.urls import path

from leads.views import export, files, lists, mask, merge, processes

app_name = "leads"

urlpatterns = [
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
    path("<int:pk>/zusammenfuehren/", merge.lead_merge_view, name="merge"),
    # action-box processes (seed 002)
    path("<int:pk>/prozesse/ansprechpartner/", processes.add_contacts, name="process_contacts"),
    path(
        "<int:pk>/prozesse/ansprechpartner/suche/",
        processes.contact_search,
        name="process_contact_search",
    ),
    path(
        "<int:pk>/prozesse/terminbestaetigung/",
        processes.appointment_confirmation,
        name="process_confirmation",
    ),
    path("<int:pk>/prozesse/mitarbeiter/", processes.add_employees, name="process_employees"),
    path("<int:pk>/prozesse/infomaterial/", processes.info_material, name="process_info_material"),
    path("<int:pk>/prozesse/mail/<int:activity_pk>/", processes.mail_dialog, name="process_mail"),
]
