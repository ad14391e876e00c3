"""The storefront's own pages beside Oscar's: store finder and store pages, and the shopper's
"I'm here" (mounted by ``config.urls``)."""

from django.urls import path

from . import account, stores

stores_urls = (
    [
        path("", stores.StoreListView.as_view(), name="list"),
        path("<slug:code>/", stores.StoreDetailView.as_view(), name="detail"),
        path("<slug:code>/choose/", stores.ChooseStoreView.as_view(), name="choose"),
    ],
    "stores",
)

pickup_urls = (
    [path("<str:number>/arrived/", account.ArrivedView.as_view(), name="arrived")],
    "pickup",
)
