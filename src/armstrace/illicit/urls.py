from django.urls import path

from . import api, views

urlpatterns = [
    path("seizures/<int:pk>/map/", views.seizure_map, name="seizure-map"),
    path("items/<int:pk>/match/", views.match, name="seized-item-match"),
    path("items/<int:pk>/trace/", views.trace, name="seized-item-trace"),
    path("tracing/<int:pk>/", views.progress, name="tracing-progress"),
    path("tracing/<int:pk>/print/", views.print_request, name="tracing-print"),
    path("tracing/<int:pk>/export.json", views.export_request, name="tracing-export"),
    path("tracing/import/", views.import_request, name="tracing-import"),
    path("diversion/", views.diversion, name="diversion"),
    path("diversion/<int:pk>/decide/", views.decide, name="diversion-decide"),
    path("statistics/", views.stats, name="illicit-statistics"),
    path("statistics/items/", views.drill, name="illicit-drill"),
]

api_urlpatterns = [
    path("items/<int:pk>/candidates/", api.candidates, name="api-seized-candidates"),
    path("items/<int:pk>/confirm/", api.confirm, name="api-seized-confirm"),
    path("tracing/<int:pk>/<slug:action>/", api.advance, name="api-tracing-advance"),
    path("tracing/<int:pk>/export/", api.export, name="api-tracing-export"),
    path("tracing/import/", api.import_request, name="api-tracing-import"),
    path("diversion/run/", api.run, name="api-diversion-run"),
    path("statistics/", api.stats, name="api-illicit-statistics"),
]
