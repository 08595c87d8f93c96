from django.urls import path

from . import api, views

urlpatterns = [
    path("", views.dashboard, name="stockpile-dashboard"),
    path("sites/<int:pk>/holdings/", views.site_holdings, name="site-holdings"),
    path("sites/<int:pk>/safety/", views.site_safety_page, name="site-safety"),
    path("sites/<int:site_pk>/assessment/", views.assessment, name="site-assessment"),
    path("transfers/dispatch/", views.transfer_dispatch, name="transfer-dispatch"),
    path("transfers/<int:pk>/receive/", views.transfer_receive, name="transfer-receive"),
    path("transfers/<int:pk>/in-transit/", views.transfer_in_transit, name="transfer-in-transit"),
    path("discrepancies/<int:pk>/resolve/", views.discrepancy_resolve, name="discrepancy-resolve"),
    path("stocktakes/<int:pk>/", views.stocktake, name="stocktake"),
    path("destructions/<int:pk>/", views.destruction, name="destruction"),
    path("destructions/<int:pk>/certificate/", views.certificate, name="certificate"),
]

api_urlpatterns = [
    path("overview/", api.overview, name="api-stockpile-overview"),
    path("sites/<int:pk>/holdings/", api.holdings, name="api-site-holdings"),
    path("sites/<int:pk>/safety/", api.safety, name="api-site-safety"),
    path("sites/<int:pk>/assessment/", api.assessment, name="api-site-assessment"),
    path("transfers/dispatch/", api.dispatch, name="api-transfer-dispatch"),
    path("transfers/<int:pk>/receive/", api.receive, name="api-transfer-receive"),
    path("transfers/<int:pk>/in-transit/", api.in_transit, name="api-transfer-in-transit"),
    path("discrepancies/<int:pk>/resolve/", api.resolve, name="api-discrepancy-resolve"),
    path("stocktakes/<int:pk>/<slug:action>/", api.stocktake, name="api-stocktake"),
    path("destructions/<int:pk>/<slug:action>/", api.destruction, name="api-destruction"),
]
