from django.urls import path

from . import views

app_name = "crimes"
urlpatterns = [
    path("", views.CrimeAreaListView.as_view(), name="crimearea_list"),
    path("<unicode_slug:slug>/", views.CrimeAreaDetailView.as_view(), name="crimearea_detail"),
]
