from django.urls import path

from sequences.views import public, report, section

app_name = "sequences"

urlpatterns = [
    path("", report.report, name="report"),
    path("lead/<int:pk>/", section.lead_section, name="lead_section"),
    path("lead/<int:pk>/aufnehmen/", section.lead_enrol, name="lead_enrol"),
    path("lead/<int:pk>/beenden/", section.lead_stop, name="lead_stop"),
    path("aufnehmen/", section.bulk_enrol, name="bulk_enrol"),
    path("abmelden/<str:token>/", public.unsubscribe, name="unsubscribe"),
]
