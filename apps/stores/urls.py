from django.urls import path

from . import views

app_name = "stores"
urlpatterns = [
    path("", views.StoreListView.as_view(), name="list"),
    path("<slug:code>/", views.StoreDetailView.as_view(), name="detail"),
    path("<slug:code>/choose/", views.ChooseStoreView.as_view(), name="choose"),
]
