from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.login import LoginForm
from leadcrm import health, metrics, views

urlpatterns = [
    path("", views.home, name="home"),
    path("anmelden/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("konto/", include("accounts.urls")),
    path("benachrichtigungen/", include("notifications.urls")),
    path("kontakte/", include("contacts.urls")),
    path("aktivitaeten/", include("activities.urls")),
    path("leads/", include("leads.urls")),
    path("leads/", include("capture.urls")),
    path("leads/", include("conversion.urls")),
    path("leads/", include("processes.urls")),
    path("leads/", include("privacy.urls")),
    path("leads/", include("merge.urls")),
    path("verkaufschancen/", include("opportunities.urls")),
    path("boards/", include("boards.urls")),
    path("sequenzen/", include("sequences.urls")),
    path("reaktionszeiten/", include("sla.urls")),
    path("kalender/", include("agenda.urls")),
    path("suche/", include("search.urls")),
    path("eingang/webhooks/anymail/", include("inbound.urls")),
    path("api/v1/", include("api.urls")),
    path("health/", views.health, name="health"),
    path("health/live/", health.live, name="health_live"),
    path("health/ready/", health.ready, name="health_ready"),
    path("metrics", metrics.metrics, name="metrics"),
]
