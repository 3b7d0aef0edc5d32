from django.urls import path

from contacts.views import columns, companies, find, persons

app_name = "contacts"

urlpatterns = [
    path("firmen/", companies.company_list, name="company_list"),
    path("firmen/neu/", companies.company_create, name="company_create"),
    path("firmen/<int:pk>/", companies.company_detail, name="company_detail"),
    path("firmen/<int:pk>/bearbeiten/", companies.company_edit, name="company_edit"),
    path("firmen/auswahl/", companies.company_options, name="company_options"),
    path("personen/", persons.person_list, name="person_list"),
    path("personen/neu/", persons.person_create, name="person_create"),
    path("personen/<int:pk>/", persons.person_detail, name="person_detail"),
    path("personen/<int:pk>/bearbeiten/", persons.person_edit, name="person_edit"),
    path("suchen/", find.find, name="find"),
    path("spalten/", columns.list_columns, name="list_columns"),
]
