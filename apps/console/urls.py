from django.urls import path

from . import counter, reports, stock, substitutions, transfers, views, wave

app_name = "console"
urlpatterns = [
    path("", views.ConsoleHomeView.as_view(), name="home"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),  # before the store codes
    path("<slug:code>/", views.QueueView.as_view(), name="queue"),
    path("<slug:code>/pick-wave/", wave.PickWaveView.as_view(), name="pick-wave"),
    path("<slug:code>/pulse/", views.PulseView.as_view(), name="pulse"),
    path("<slug:code>/stock/", stock.StockView.as_view(), name="stock"),
    *counter.urlpatterns,  # the till and returns
    *reports.urlpatterns,
    *transfers.urlpatterns,
    *substitutions.urlpatterns,  # withdrawing a substitute offered to the shopper
    path("<slug:code>/orders/<str:number>/", views.OrderView.as_view(), name="order"),
    path(
        "<slug:code>/orders/<str:number>/pick-list/", views.PickListView.as_view(), name="pick-list"
    ),
    path(
        "<slug:code>/orders/<str:number>/pick-list/scan/",
        views.PickScanView.as_view(),
        name="pick-scan",
    ),
    path(
        "<slug:code>/orders/<str:number>/bag-labels/",
        views.BagLabelsView.as_view(),
        name="bag-labels",
    ),
    path(
        "<slug:code>/orders/<str:number>/<slug:action>/",
        views.OrderActionView.as_view(),
        name="action",
    ),
]
