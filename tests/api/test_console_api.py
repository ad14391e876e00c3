"""The console's REST API: the same pickup flow, rules and store walls as the console pages."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.inventory.selectors import availability, ledger_drift
from apps.order import statuses
from apps.pickup.models import PickupEvent
from apps.pickup.services import MAX_WRONG_CODES
from apps.profiles.models import Profile
from tests.api.conftest import api_client, errors
from tests.factories import OrderFactory, UserFactory, bulk_pickup_orders

Order = get_model("order", "Order")


def url(name, order=None, store="leeds", **kwargs):
    if order is not None:
        kwargs["number"] = order.number
    return reverse(f"api:{name}", kwargs={"code": store, **kwargs})


def ats(shop, store="leeds"):
    return availability(products=[shop["lamp"]], locations=[shop[store]]).at(
        shop["lamp"], shop[store]
    )


def test_a_collect_order_walks_through_the_api(order, shop, leeds_api):
    body = leeds_api.get(url("queue")).json()
    assert [(g["key"], g["count"]) for g in body][:3] == [
        ("to-pick", 1),
        ("picking", 0),
        ("ready", 0),
    ]
    assert body[0]["orders"][0]["number"] == order.number

    detail = leeds_api.post(url("start-picking", order)).json()
    assert detail["status"] == statuses.PICKING
    assert detail["actions"] == ["picked", "short-pick", "ready", "cancel"]
    line = detail["lines"][0]
    assert (line["quantity"], line["to_collect"], line["to_pick"]) == (2, 2, True)

    short = leeds_api.post(
        url("short-pick", order, line=line["id"]), {"quantity": 1, "reason": "dented"}
    )
    assert short.status_code == 200 and short.json()["lines"][0]["to_collect"] == 1
    picked = leeds_api.post(url("picked", order, line=line["id"])).json()
    assert picked["lines"][0]["to_pick"] is False
    assert leeds_api.post(url("ready", order)).json()["status"] == statuses.READY

    wrong = leeds_api.post(url("hand-over", order), {"code": "AAAA-AAAA"})
    assert wrong.status_code == 422 and errors(wrong) == {"": "wrong_code"}
    done = leeds_api.post(url("hand-over", order), {"code": order.pickup_code.lower()})
    assert done.status_code == 200 and done.json()["status"] == statuses.COLLECTED
    kinds = [step["kind"] for step in done.json()["timeline"]]
    assert kinds == [
        "placed",
        "picking",
        "short_pick",
        "line_picked",
        "ready",
        "wrong_code",
        "handed_over",
    ]
    assert done.json()["timeline"][2]["refund"] == "10.00"
    assert ats(shop) == 1  # 2 on hand: 1 handed over, the short-picked one back on sale
    assert list(ledger_drift()) == []


def test_an_action_from_the_wrong_state_is_409_and_changes_nothing(order, leeds_api):
    response = leeds_api.post(url("ready", order))
    assert response.status_code == 409
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {
                "code": "wrong_state",
                "detail": f"Order {order.number} is Placed; this needs it to be Picking.",
                "attr": None,
            }
        ],
    }
    order.refresh_from_db()
    assert order.status == statuses.PLACED and not order.pickup_events.exists()


def ready(api, order):
    api.post(url("start-picking", order))
    line = order.lines.get()
    api.post(url("picked", order, line=line.pk))
    api.post(url("ready", order))


def test_wrong_codes_are_remembered_and_rate_limited(order, leeds_api):
    ready(leeds_api, order)
    for _ in range(MAX_WRONG_CODES):
        assert leeds_api.post(url("hand-over", order), {"code": "WRONG"}).status_code == 422
    response = leeds_api.post(url("hand-over", order), {"code": order.pickup_code})
    assert response.status_code == 429 and errors(response) == {"": "too_many_attempts"}
    assert order.pickup_events.filter(kind=PickupEvent.Kind.WRONG_CODE).count() == MAX_WRONG_CODES
    checked = leeds_api.post(
        url("hand-over", order), {"id_checked": True, "collected_by": "Ann Other"}
    )
    assert checked.status_code == 200 and checked.json()["status"] == statuses.COLLECTED


def test_pickup_actions_on_a_till_sale_are_409_not_a_server_error(shop, leeds_api):
    sale = OrderFactory(channel="store", store=shop["leeds"], lines={shop["lamp"]: 1})
    for action in ("start-picking", "ready", "resend-ready", "not-collected", "cancel"):
        response = leeds_api.post(url(action, sale))
        assert response.status_code == 409, (action, response.content)
        assert errors(response) == {"": "wrong_state"}
    sale.refresh_from_db()
    assert sale.status == statuses.COMPLETED


def test_handover_needs_a_code_or_a_checked_id_with_a_name(order, leeds_api):
    ready(leeds_api, order)
    nothing = leeds_api.post(url("hand-over", order), {})
    assert nothing.status_code == 422 and errors(nothing) == {"code": "incomplete"}
    response = leeds_api.post(url("hand-over", order), {"id_checked": True})
    assert response.status_code == 422 and errors(response) == {"collected_by": "incomplete"}
    order.refresh_from_db()
    assert order.status == statuses.READY


ENDPOINTS = [
    ("get", "queue", False, None),
    ("get", "orders", False, None),
    ("get", "order", True, None),
    ("post", "start-picking", True, None),
    ("post", "picked", True, "line"),
    ("post", "short-pick", True, "line"),
    ("post", "ready", True, None),
    ("post", "resend-ready", True, None),
    ("post", "hand-over", True, None),
    ("post", "not-collected", True, None),
    ("post", "cancel", True, None),
    ("get", "stock", False, None),
    ("post", "stock-count", False, None),
    ("get", "report", False, None),
    ("post", "sales", False, None),
    ("get", "returns", False, None),
    ("post", "returns", False, None),
]
BODIES = {
    "short-pick": {"quantity": 1},
    "hand-over": {"code": "x"},
    "stock-count": {"product": 0, "counted": 0},
    "sales": {"lines": [{"upc": "LAMP-1"}]},
}


def endpoint_url(order, name, needs_order, needs_line, store="leeds"):
    kwargs = {"line": order.lines.get().pk} if needs_line else {}
    return url(name, order if needs_order else None, store=store, **kwargs)


@pytest.mark.parametrize("method, name, needs_order, needs_line", ENDPOINTS)
def test_staff_of_another_store_get_403_on_every_endpoint(
    order, shop, york_api, method, name, needs_order, needs_line
):
    target = endpoint_url(order, name, needs_order, needs_line)
    response = getattr(york_api, method)(target, BODIES.get(name, {}), format="json")
    assert response.status_code == 403, response.content
    order.refresh_from_db()
    assert order.status == statuses.PLACED and not order.pickup_events.exists()
    assert not Order.objects.filter(channel="store").exists()


@pytest.mark.parametrize(
    "method, name, needs_line", [(m, n, line) for m, n, needs, line in ENDPOINTS if needs]
)
def test_another_stores_order_is_404_through_my_own_urls(
    order, shop, york_api, method, name, needs_line
):
    target = endpoint_url(order, name, True, needs_line, store="york")
    response = getattr(york_api, method)(target, BODIES.get(name, {}), format="json")
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == statuses.PLACED


def test_another_stores_orders_are_not_in_my_search(order, york_api):
    assert york_api.get(url("orders", store="york"), {"q": order.number}).json()["count"] == 0


def test_anonymous_callers_are_asked_to_authenticate(order):
    response = APIClient().get(url("queue"))
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_scanners_authenticate_with_a_token(order, leeds_staff):
    shopper = UserFactory()
    scanner = APIClient()
    scanner.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=leeds_staff).key}")
    found = scanner.get(url("orders"), {"q": order.pickup_code.lower()})
    assert [o["number"] for o in found.json()["results"]] == [order.number]
    scanner.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=shopper).key}")
    assert scanner.get(url("queue")).status_code == 403
    assert scanner.get(reverse("api:my-stores")).json() == []


def test_staff_list_their_stores_and_merchandisers_every_store(shop, leeds_api):
    assert leeds_api.get(reverse("api:my-stores")).json() == [
        {"code": "leeds", "name": "Omnishop Leeds"}
    ]
    merchandiser = api_client(UserFactory(is_superuser=True))
    assert [s["code"] for s in merchandiser.get(reverse("api:my-stores")).json()] == [
        "leeds",
        "york",
    ]
    assert merchandiser.get(url("queue", store="york")).status_code == 200


def test_the_api_queue_runs_the_same_queries_for_1000_open_orders(
    shop, leeds_api, django_assert_max_num_queries
):
    bulk_pickup_orders(shop["leeds"], 10)
    leeds_api.get(url("queue"))  # the staff member's permissions are cached after this one
    with django_assert_max_num_queries(12) as few:
        leeds_api.get(url("queue"))
    bulk_pickup_orders(shop["leeds"], 990, prefix="R")
    with django_assert_max_num_queries(12) as many:
        body = leeds_api.get(url("queue")).json()
    assert body[0]["count"] == 1000
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Stock, counts and reports -------------------------------------------------------------


def test_staff_see_their_stores_stock_by_barcode(order, shop, leeds_api):
    body = leeds_api.get(url("stock"), {"q": "lamp-1"}).json()
    assert body["results"] == [
        {
            "product": shop["lamp"].pk,
            "upc": "LAMP-1",
            "title": "Desk Lamp",
            "on_hand": 2,
            "allocated": 2,
            "available_to_sell": 0,
        }
    ]


def test_only_managers_count_stock_and_the_count_goes_through_the_ledger(
    order, shop, leeds_api, leeds_manager
):
    body = {"product": shop["lamp"].pk, "counted": 5, "note": "found a box"}
    assert leeds_api.post(url("stock-count"), body).status_code == 403
    response = api_client(leeds_manager).post(url("stock-count"), body)
    assert response.status_code == 200
    assert (response.json()["on_hand"], response.json()["available_to_sell"]) == (5, 3)
    assert list(ledger_drift()) == []


def test_a_count_below_what_is_promised_or_below_zero_is_refused(order, shop, leeds_manager):
    api = api_client(leeds_manager)
    negative = api.post(url("stock-count"), {"product": shop["lamp"].pk, "counted": -1})
    assert negative.status_code == 400 and errors(negative) == {"counted": "min_value"}
    short = api.post(url("stock-count"), {"product": shop["lamp"].pk, "counted": 1})
    assert short.status_code == 422 and errors(short) == {"": "refused"}
    assert ats(shop) == 0 and list(ledger_drift()) == []


def test_managers_get_the_report_and_associates_do_not(order, leeds_api, leeds_manager):
    assert leeds_api.get(url("report")).status_code == 403
    api = api_client(leeds_manager)
    body = api.get(url("report")).json()
    assert len(body["days"]) == 7 and body["total"]["pickups_placed"] == 1
    bad = api.get(url("report"), {"start": "2026-11-05", "end": "2026-11-01"})
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        {
            "code": "date_span",
            "detail": "The first day comes after the last day.",
            "attr": "non_field_errors",
        }
    ]
    too_long = api.get(url("report"), {"start": "2025-01-01", "end": "2026-11-01"})
    assert too_long.status_code == 422 and errors(too_long) == {"non_field_errors": "date_span"}
    ancient = api.get(url("report"), {"start": "0001-01-01"})
    assert ancient.status_code == 422 and errors(ancient) == {"start": "date_out_of_range"}


# --- Till and counter ----------------------------------------------------------------------


def test_a_till_sale_by_barcode_takes_stock_and_joins_the_customers_history(shop, leeds_api):
    from tests.factories import stock

    stock(shop["leeds"], shop["lamp"], 3)
    shopper = UserFactory(email="shona@example.com")
    Profile.objects.create(user=shopper, phone="+447911123456")
    response = leeds_api.post(
        url("sales"),
        {"lines": [{"upc": "lamp-1", "quantity": 2}], "customer": "07911 123456"},
        format="json",
    )
    assert response.status_code == 201, response.content
    sale = Order.objects.get(number=response.json()["number"])
    assert (sale.channel, sale.user, sale.status) == ("store", shopper, statuses.COMPLETED)
    assert ats(shop) == 3 and list(ledger_drift()) == []


def test_a_till_sale_records_its_tender_and_a_repeated_request_records_nothing_more(
    shop, leeds_api
):
    from tests.factories import stock

    stock(shop["leeds"], shop["lamp"], 3)
    body = {"lines": [{"upc": "LAMP-1"}], "tender": "cash", "amount_tendered": "50.00"}
    first = leeds_api.post(url("sales"), body, format="json", HTTP_IDEMPOTENCY_KEY="till-4-0001")
    again = leeds_api.post(url("sales"), body, format="json", HTTP_IDEMPOTENCY_KEY="till-4-0001")
    assert first.status_code == again.status_code == 201, first.content
    assert first.json()["number"] == again.json()["number"]
    sale = Order.objects.get(channel="store").till_sale
    assert (sale.tender, sale.amount_tendered, sale.change_given) == ("cash", 50, 40)
    assert ats(shop) == 4  # 2 + 3 received, one sold once


@pytest.mark.parametrize(
    "body,error",
    [
        ({"tender": "cash"}, "Cash: enter the amount the customer handed over."),
        ({"tender": "card"}, "Card: type the reference the payment terminal printed."),
        ({"amount_tendered": "5"}, "Say how the customer paid: cash or card."),
        ({"tender": "cash", "amount_tendered": "2.00"}, None),  # too little: refused whole
    ],
)
def test_a_till_sale_with_a_bad_tender_is_refused_and_writes_nothing(shop, leeds_api, body, error):
    response = leeds_api.post(url("sales"), {"lines": [{"upc": "LAMP-1"}], **body}, format="json")
    assert response.status_code in (400, 422), response.content
    if error:
        assert response.json()["errors"][0]["detail"] == error
    assert not Order.objects.filter(channel="store").exists()


def test_a_till_sale_beyond_what_the_store_can_sell_is_409_and_writes_nothing(
    order, shop, leeds_api
):
    response = leeds_api.post(
        url("sales"), {"lines": [{"product": shop["lamp"].pk}]}, format="json"
    )
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["code"] == "insufficient_stock" and error["available"] == 0
    assert not Order.objects.filter(channel="store").exists()


def test_a_sale_of_an_unknown_product_says_which_line(shop, leeds_api):
    response = leeds_api.post(url("sales"), {"lines": [{"upc": "NOPE"}]}, format="json")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"code": "does_not_exist", "detail": "No product NOPE.", "attr": "lines.0.non_field_errors"}
    ]


def test_a_counter_return_through_the_api_restocks_and_records_the_refund(order, shop, leeds_api):
    ready(leeds_api, order)
    leeds_api.post(url("hand-over", order), {"code": order.pickup_code})
    found = leeds_api.get(url("returns"), {"q": order.number}).json()["results"]
    line = found[0]["lines"][0]
    assert (line["quantity"], line["returnable"]) == (2, 2)
    response = leeds_api.post(
        url("returns"),
        {"order": order.number, "lines": [{"line": line["id"], "quantity": 1}], "reason": "spare"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json() == {"order": order.number, "refund": "10.00", "currency": "GBP"}
    assert ats(shop) == 1
    too_many = leeds_api.post(
        url("returns"),
        {"order": order.number, "lines": [{"line": line["id"], "quantity": 2}]},
        format="json",
    )
    assert too_many.status_code == 422 and ats(shop) == 1
    assert errors(too_many) == {"": "refused"}
    assert list(ledger_drift()) == []
