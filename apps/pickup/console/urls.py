from django.urls import path

from . import views

app_name = "console"
urlpatterns = [
    path("", views.ConsoleHomeView.as_view(), name="home"),
    path("<slug:code>/", views.QueueView.as_view(), name="queue"),
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
