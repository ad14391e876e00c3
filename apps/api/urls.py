"""/api/: the documented REST API (OpenAPI schema, Swagger UI and ReDoc served locally)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from apps.checkout import api as checkout
from apps.instore import api as instore
from apps.pickup import api as pickup
from apps.storefront import api as catalogue
from apps.stores import api as stores

app_name = "api"

order = "console/<slug:code>/orders/<str:number>"
console = [
    path("console/", pickup.MyStoresView.as_view(), name="my-stores"),
    path("console/<slug:code>/queue/", pickup.QueueView.as_view(), name="queue"),
    path("console/<slug:code>/orders/", pickup.OrderListView.as_view(), name="orders"),
    path(f"{order}/", pickup.OrderView.as_view(), name="order"),
    path(f"{order}/start-picking/", pickup.StartPickingView.as_view(), name="start-picking"),
    path(f"{order}/lines/<int:line>/picked/", pickup.LinePickedView.as_view(), name="picked"),
    path(
        f"{order}/lines/<int:line>/short-pick/", pickup.ShortPickView.as_view(), name="short-pick"
    ),
    path(f"{order}/ready/", pickup.ReadyView.as_view(), name="ready"),
    path(f"{order}/resend-ready/", pickup.ResendReadyView.as_view(), name="resend-ready"),
    path(f"{order}/hand-over/", pickup.HandOverView.as_view(), name="hand-over"),
    path(f"{order}/not-collected/", pickup.NotCollectedView.as_view(), name="not-collected"),
    path(f"{order}/cancel/", pickup.CancelView.as_view(), name="cancel"),
    path("console/<slug:code>/stock/", pickup.StockView.as_view(), name="stock"),
    path("console/<slug:code>/stock/counts/", pickup.StockCountView.as_view(), name="stock-count"),
    path("console/<slug:code>/report/", pickup.ReportView.as_view(), name="report"),
    path("console/<slug:code>/sales/", instore.SaleView.as_view(), name="sales"),
    path("console/<slug:code>/returns/", instore.ReturnsView.as_view(), name="returns"),
]

public = [
    path("stores/", stores.StoreListView.as_view(), name="stores"),
    path("stores/<slug:code>/", stores.StoreDetailView.as_view(), name="store"),
    path("products/", catalogue.ProductListView.as_view(), name="products"),
    path("products/<int:pk>/", catalogue.ProductDetailView.as_view(), name="product"),
]

shopper = [
    path("checkout/collect/", checkout.CollectCheckoutView.as_view(), name="checkout-collect"),
    path("checkout/delivery/", checkout.DeliveryCheckoutView.as_view(), name="checkout-delivery"),
    path("account/orders/", checkout.MyOrdersView.as_view(), name="my-orders"),
    path("account/orders/<str:number>/", checkout.MyOrderView.as_view(), name="my-order"),
    path("account/orders/<str:number>/arrived/", checkout.ArrivedView.as_view(), name="arrived"),
]

urlpatterns = [
    *public,
    *shopper,
    *console,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("auth/", include("rest_framework.urls")),
]
