"""/api/: the documented REST API (OpenAPI schema, Swagger UI and ReDoc served locally)."""

from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from . import catalogue, console, counter, shopper, stores

app_name = "api"

order = "console/<slug:code>/orders/<str:number>"
staff = [
    path("console/", console.MyStoresView.as_view(), name="my-stores"),
    path("console/<slug:code>/queue/", console.QueueView.as_view(), name="queue"),
    path("console/<slug:code>/orders/", console.OrderListView.as_view(), name="orders"),
    path(f"{order}/", console.OrderView.as_view(), name="order"),
    path(f"{order}/start-picking/", console.StartPickingView.as_view(), name="start-picking"),
    path(f"{order}/lines/<int:line>/picked/", console.LinePickedView.as_view(), name="picked"),
    path(
        f"{order}/lines/<int:line>/short-pick/", console.ShortPickView.as_view(), name="short-pick"
    ),
    path(
        f"{order}/lines/<int:line>/substitutes/",
        console.SubstitutesView.as_view(),
        name="substitutes",
    ),
    path(f"{order}/ready/", console.ReadyView.as_view(), name="ready"),
    path(f"{order}/resend-ready/", console.ResendReadyView.as_view(), name="resend-ready"),
    path(f"{order}/hand-over/", console.HandOverView.as_view(), name="hand-over"),
    path(f"{order}/not-collected/", console.NotCollectedView.as_view(), name="not-collected"),
    path(f"{order}/cancel/", console.CancelView.as_view(), name="cancel"),
    path("console/<slug:code>/stock/", console.StockView.as_view(), name="stock"),
    path("console/<slug:code>/stock/counts/", console.StockCountView.as_view(), name="stock-count"),
    path("console/<slug:code>/report/", console.ReportView.as_view(), name="report"),
    path("console/<slug:code>/sales/", counter.SaleView.as_view(), name="sales"),
    path("console/<slug:code>/returns/", counter.ReturnsView.as_view(), name="returns"),
]

public = [
    path("stores/", stores.StoreListView.as_view(), name="stores"),
    path("stores/<slug:code>/", stores.StoreDetailView.as_view(), name="store"),
    path("stores/<slug:code>/slots/", stores.StoreSlotsView.as_view(), name="store-slots"),
    path("products/", catalogue.ProductListView.as_view(), name="products"),
    path("products/<int:pk>/", catalogue.ProductDetailView.as_view(), name="product"),
    # A substitute offered to a shopper, by the signed token of their link (no sign-in).
    path("substitutions/<str:token>/", shopper.SubstitutionView.as_view(), name="substitution"),
    path(
        "substitutions/<str:token>/answer/",
        shopper.SubstitutionAnswerView.as_view(),
        name="substitution-answer",
    ),
]

shopper = [
    path("checkout/collect/", shopper.CollectCheckoutView.as_view(), name="checkout-collect"),
    path("checkout/delivery/", shopper.DeliveryCheckoutView.as_view(), name="checkout-delivery"),
    path("account/orders/", shopper.MyOrdersView.as_view(), name="my-orders"),
    path("account/orders/<str:number>/", shopper.MyOrderView.as_view(), name="my-order"),
    path("account/orders/<str:number>/arrived/", shopper.ArrivedView.as_view(), name="arrived"),
    path(
        "account/orders/<str:number>/cancel/",
        shopper.CancelMyOrderView.as_view(),
        name="cancel-mine",
    ),
    path(
        "account/orders/<str:number>/extend/",
        shopper.ExtendHoldView.as_view(),
        name="extend-hold",
    ),
]

urlpatterns = [
    *public,
    *shopper,
    *staff,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
]
