from django.urls import path

from . import views

app_name = "initiatives"
urlpatterns = [
    path("", views.InitiativeListView.as_view(), name="initiative_list"),
    path("<unicode_slug:slug>/", views.InitiativeDetailView.as_view(), name="initiative_detail"),
]
