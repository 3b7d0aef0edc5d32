from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("<int:pk>/datenschutz/", views.lead_gdpr, name="gdpr_lead"),
    path("<int:pk>/datenschutz/export.json", views.lead_gdpr_export, name="gdpr_lead_export"),
    path("<int:pk>/datenschutz/loeschen/", views.lead_gdpr_erase, name="gdpr_lead_erase"),
    path(
        "<int:pk>/datenschutz/widerruf/", views.lead_consent_withdraw, name="lead_consent_withdraw"
    ),
    path("personen/<int:pk>/datenschutz/", views.person_gdpr, name="gdpr_person"),
    path(
        "personen/<int:pk>/datenschutz/export.json",
        views.person_gdpr_export,
        name="gdpr_person_export",
    ),
    path(
        "personen/<int:pk>/datenschutz/loeschen/", views.person_gdpr_erase, name="gdpr_person_erase"
    ),
]
