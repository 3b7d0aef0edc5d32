from django.urls import path

from capture.views import cardscan, imports, webform

app_name = "capture"

urlpatterns = [
    path("formular/<slug:slug>/", webform.web_form, name="web_form"),
    path("formular/<slug:slug>/danke/", webform.web_form_thanks, name="web_form_thanks"),
    path("einwilligung/bestaetigen/<str:token>/", webform.doi_confirm, name="doi_confirm"),
    path("einwilligung/widerrufen/<str:token>/", webform.consent_withdraw, name="consent_withdraw"),
    path("dubletten/pruefen/", webform.duplicate_check, name="duplicate_check"),
    path("visitenkarte/scannen/", cardscan.card_scan, name="card_scan"),
    path("visitenkarte/<int:pk>/", cardscan.card_scan_status, name="card_scan_status"),
    path("import/", imports.import_upload, name="import_upload"),
    path("import/<int:pk>/zuordnung/", imports.import_mapping, name="import_mapping"),
    path("import/<int:pk>/werte/", imports.import_values, name="import_values"),
    path("import/<int:pk>/", imports.import_detail, name="import_detail"),
    path("import/<int:pk>/abbrechen/", imports.import_cancel, name="import_cancel"),
    path("import/<int:pk>/fortsetzen/", imports.import_resume, name="import_resume"),
    path("import/<int:pk>/fehlerbericht.csv", imports.import_errors, name="import_errors"),
]
