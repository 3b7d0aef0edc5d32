from django.urls import path

from conversion import views

app_name = "conversion"

urlpatterns = [
    path("<int:pk>/prozesse/konvertieren/", views.convert, name="convert"),
]
