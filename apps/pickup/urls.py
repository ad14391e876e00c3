from django.urls import path

from . import views

app_name = "pickup"
urlpatterns = [
    path("<str:number>/arrived/", views.ArrivedView.as_view(), name="arrived"),
]
