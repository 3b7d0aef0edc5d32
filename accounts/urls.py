from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns: list = [
    path("profil/", views.profile, name="profile"),
]
