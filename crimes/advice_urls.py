from django.urls import path

from . import views

app_name = "advice"
urlpatterns = [
    path("", views.AdviceListView.as_view(), name="advice_list"),
    path("<unicode_slug:slug>/", views.AdviceDetailView.as_view(), name="advice_detail"),
]
