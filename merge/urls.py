from django.urls import path

from merge import views

app_name = "merge"

urlpatterns = [
    path("<int:pk>/zusammenfuehren/", views.lead_merge_view, name="lead"),
    path("personen/<int:pk>/zusammenfuehren/", views.person_merge_view, name="person"),
]
