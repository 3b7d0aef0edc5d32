from django.urls import path

from processes import views

app_name = "processes"

urlpatterns = [
    path("<int:pk>/prozesse/ansprechpartner/", views.add_contacts, name="contacts"),
    path(
        "<int:pk>/prozesse/ansprechpartner/suche/",
        views.contact_search,
        name="contact_search",
    ),
    path(
        "<int:pk>/prozesse/terminbestaetigung/",
        views.appointment_confirmation,
        name="confirmation",
    ),
    path("<int:pk>/prozesse/mitarbeiter/", views.add_employees, name="employees"),
    path("<int:pk>/prozesse/infomaterial/", views.info_material, name="info_material"),
    path("<int:pk>/prozesse/mail/<int:activity_pk>/", views.mail_dialog, name="mail"),
]
