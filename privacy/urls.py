from django.urls import path

from privacy.views import gdpr

app_name = "privacy"

urlpatterns = [
    path("<int:pk>/datenschutz/", gdpr.lead_gdpr, name="gdpr_lead"),
    path("<int:pk>/datenschutz/export.json", gdpr.lead_gdpr_export, name="gdpr_lead_export"),
    path("<int:pk>/datenschutz/loeschen/", gdpr.lead_gdpr_erase, name="gdpr_lead_erase"),
    path(
        "<int:pk>/datenschutz/widerruf/", gdpr.lead_consent_withdraw, name="lead_consent_withdraw"
    ),
    path("personen/<int:pk>/datenschutz/", gdpr.person_gdpr, name="gdpr_person"),
    path(
        "personen/<int:pk>/datenschutz/export.json",
        gdpr.person_gdpr_export,
        name="gdpr_person_export",
    ),
    path(
        "personen/<int:pk>/datenschutz/loeschen/", gdpr.person_gdpr_erase, name="gdpr_person_erase"
    ),
]
