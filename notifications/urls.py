from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("glocke/", views.bell, name="bell"),
    path("<int:pk>/oeffnen/", views.notification_open, name="open"),
    path("<int:pk>/gelesen/", views.notification_read, name="read"),
    path("alle-gelesen/", views.notification_read_all, name="read_all"),
    path("auftraege/<int:job_id>/", views.job_status, name="job_status"),
    path("auftraege/<int:job_id>/abbrechen/", views.job_cancel, name="job_cancel"),
]
