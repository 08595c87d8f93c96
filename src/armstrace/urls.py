"""URLs: generic record pages for every registration, the API, and a few global pages."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from armstrace.core import views as record_views
from armstrace.core.api import build_router
from armstrace.identify import urls as identify_urls
from armstrace.illicit import urls as illicit_urls
from armstrace.stockpile import urls as stockpile_urls
from armstrace.web import views as web_views

records = [
    path("<slug:key>/", record_views.ListRecords.as_view(), name="record-list"),
    path("<slug:key>/add/", record_views.EditRecord.as_view(), name="record-add"),
    path("<slug:key>/import/", record_views.ImportRecords.as_view(), name="record-import"),
    path("<slug:key>/export.<slug:fmt>", record_views.ExportRecords.as_view(), name="record-export"),
    path("<slug:key>/<int:pk>/", record_views.RecordDetail.as_view(), name="record-detail"),
    path("<slug:key>/<int:pk>/amend/", record_views.EditRecord.as_view(), name="record-amend"),
    path("<slug:key>/<int:pk>/share/", record_views.ShareRecord.as_view(), name="record-share"),
    path("<slug:key>/<int:pk>/attach/", record_views.AttachFile.as_view(), name="record-attach"),
]

urlpatterns = [
    path("", web_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", web_views.set_language, name="set-language"),
    path("search/", web_views.search, name="search"),
    path("ledger/verify/", web_views.ledger_verify, name="ledger-verify"),
    path("imports/<int:job_id>/errors.csv", record_views.ImportErrorReport.as_view(), name="import-errors"),
    path("attachments/<int:pk>/", record_views.DownloadAttachment.as_view(), name="attachment"),
    path("api/token/", obtain_auth_token, name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("identify/", include("armstrace.identify.urls")),
    path("stockpile/", include("armstrace.stockpile.urls")),
    path("illicit/", include("armstrace.illicit.urls")),
    path("api/identify/", include(identify_urls.api_urlpatterns)),
    path("api/stockpile/", include(stockpile_urls.api_urlpatterns)),
    path("api/illicit/", include(illicit_urls.api_urlpatterns)),
    path("api/", include(build_router().urls)),
    path("r/", include(records)),
]
