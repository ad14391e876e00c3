"""The storefront's own pages beside Oscar's: store finder and store pages, the shopper's
order pages (Oscar's URLs, our views), "I'm here", keeping an order longer and cancelling (mounted by ``config.urls``)."""

from django.contrib.auth.decorators import login_required
from django.urls import path, re_path

from . import account, basket, stores, substitutions, views

stores_urls = (
    [
        path("", stores.StoreListView.as_view(), name="list"),
        path("<slug:code>/", stores.StoreDetailView.as_view(), name="detail"),
        path("<slug:code>/choose/", stores.ChooseStoreView.as_view(), name="choose"),
    ],
    "stores",
)

pickup_urls = (
    [
        # A substitute for a short-picked item, answered by its signed link (no sign-in).
        path(
            "substitute/<str:token>/",
            substitutions.SubstitutionView.as_view(),
            name="substitute",
        ),
        path("<str:number>/arrived/", account.ArrivedView.as_view(), name="arrived"),
        path("<str:number>/cancel/", account.CancelView.as_view(), name="cancel"),
        path("<str:number>/extend/", account.ExtendView.as_view(), name="extend"),
        # A guest's, by the order's signed link (``hash``: Oscar's ``Order.verification_hash``).
        path(
            "<str:number>/<str:hash>/arrived/",
            account.GuestArrivedView.as_view(),
            name="guest-arrived",
        ),
        path(
            "<str:number>/<str:hash>/cancel/",
            account.GuestCancelView.as_view(),
            name="guest-cancel",
        ),
        path(
            "<str:number>/<str:hash>/extend/",
            account.GuestExtendView.as_view(),
            name="guest-extend",
        ),
    ],
    "pickup",
)

#: Oscar's page URLs answered by our views, mounted before Oscar's: the order pages
#: (``customer:order``, ``customer:anon-order``, which every e-mail links to) with the collect
#: panel, two account pages that failed on a line or product that doesn't exist, the basket
#: (no offer lookups in a shop without offers) and adding to it (flash-sale holds), and the
#: product page.
oscar_pages = [
    path("basket/", basket.BasketView.as_view()),
    path("basket/add/<int:pk>/", basket.BasketAddView.as_view()),
    path("accounts/orders/", login_required(account.OrderHistoryView.as_view())),
    path(
        "accounts/orders/<str:order_number>/",
        login_required(account.OrderView.as_view()),
    ),
    path(
        "accounts/orders/<str:order_number>/<int:line_id>/",
        login_required(account.OrderLineView.as_view()),
    ),
    path(
        "accounts/wishlists/create/with-product/<int:product_pk>/",
        login_required(account.WishListCreateView.as_view()),
    ),
    # Oscar's product page, the product read with what the page shows of it.
    re_path(
        r"^catalogue/(?P<product_slug>[\w-]*)_(?P<pk>\d+)/$", views.ProductDetailView.as_view()
    ),
    re_path(
        r"^accounts/order-status/(?P<order_number>[\w-]*)/(?P<hash>[A-Za-z0-9_=:-]+)/$",
        account.GuestOrderView.as_view(),
    ),
]
