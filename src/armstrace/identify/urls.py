from django.urls import path

from . import views

urlpatterns = [path("", views.identify, name="identify")]
api_urlpatterns = [path("", views.identify_api, name="identify-api")]
