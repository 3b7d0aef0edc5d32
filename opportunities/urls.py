from django.urls import path

from opportunities.views import detail, lists, sections

app_name = "opportunities"

urlpatterns = [
    path("", lists.opportunity_list, name="list"),
    path("<int:pk>/", detail.opportunity_detail, name="detail"),
    path("<int:pk>/bearbeiten/", detail.opportunity_edit, name="edit"),
    path("<int:pk>/status/", detail.opportunity_status, name="status"),
    path("lead/<int:pk>/", sections.lead_section, name="lead_section"),
    path("lead/<int:pk>/anlegen/", sections.create_from_lead, name="create_from_lead"),
    path("firma/<int:pk>/", sections.company_section, name="company_section"),
]
