"""Customers' data pages (mounted by ``config.urls`` before Oscar's account pages, so Oscar's
"Delete profile" erases the customer's data instead of only deleting the account row)."""

from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("accounts/privacy/", views.PrivacyView.as_view(), name="account"),
    path("accounts/privacy/export/", views.RequestExportView.as_view(), name="export"),
    path(
        "accounts/privacy/export/<int:pk>/status/",
        views.ExportStatusView.as_view(),
        name="export-status",
    ),
    path("accounts/privacy/download/<str:token>/", views.DownloadView.as_view(), name="download"),
    path("accounts/privacy/delete/", views.DeleteAccountView.as_view(), name="delete"),
    path("accounts/profile/delete/", views.DeleteAccountView.as_view()),
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
