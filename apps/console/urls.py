from django.urls import path

from . import counter, reports, stock, views, wave

app_name = "console"
urlpatterns = [
    path("", views.ConsoleHomeView.as_view(), name="home"),
    path("<slug:code>/", views.QueueView.as_view(), name="queue"),
    path("<slug:code>/pick-wave/", wave.PickWaveView.as_view(), name="pick-wave"),
    path("<slug:code>/sale/", counter.SaleView.as_view(), name="sale"),
    path("<slug:code>/stock/", stock.StockView.as_view(), name="stock"),
    path("<slug:code>/reports/", reports.ReportView.as_view(), name="reports"),
    path(
        "<slug:code>/reports/csv/",
        reports.ReportView.as_view(),
        {"as_csv": True},
        name="reports-csv",
    ),
    path("<slug:code>/returns/", counter.ReturnsView.as_view(), name="returns"),
    path(
        "<slug:code>/returns/<str:number>/",
        counter.TakeReturnView.as_view(),
        name="take-return",
    ),
    path("<slug:code>/orders/<str:number>/", views.OrderView.as_view(), name="order"),
    path(
        "<slug:code>/orders/<str:number>/pick-list/", views.PickListView.as_view(), name="pick-list"
    ),
    path(
        "<slug:code>/orders/<str:number>/<slug:action>/",
        views.OrderActionView.as_view(),
        name="action",
    ),
]
