from django.urls import path

from agenda.views import appointment, calendar, feed

app_name = "agenda"

urlpatterns = [
    path("", calendar.week_view, name="week"),
    path("monat/", calendar.month_view, name="month"),
    path("termin/<int:pk>/verschieben/", appointment.appointment_move, name="move"),
    path("termin/<int:pk>/einladen/", appointment.appointment_invite, name="invite"),
    path("termin/<int:pk>/absagen/", appointment.appointment_cancel, name="cancel"),
    path("abo/", feed.subscription, name="subscription"),
    path("abo/neu/", feed.subscription_create, name="subscription_create"),
    path("abo/widerrufen/", feed.subscription_revoke, name="subscription_revoke"),
    path("feed/<str:token>.ics", feed.feed, name="feed"),
]
