from django.urls import path

from accounts import passwords, views

app_name = "accounts"

urlpatterns: list = [
    path("profil/", views.profile, name="profile"),
    path("profil/token/", views.token_create, name="token_create"),
    path("profil/token/<int:pk>/widerrufen/", views.token_revoke, name="token_revoke"),
    *passwords.urlpatterns,
]
