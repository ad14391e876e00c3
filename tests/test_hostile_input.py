"""No server error on any input: every URL pattern of the site and the API, with hostile values
in each path parameter, query parameter and form field, as each kind of user, answers below 500.

The patterns are read from the URL configuration itself, so a new page is walked the day it is
added. Values: huge, negative and non-numeric numbers, NUL and control characters, 100,000
characters, wrong JSON types.
"""

import logging
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from apps.order import statuses
from tests.factories import OrderFactory, StoreStaffFactory, UserFactory

#: What an attacker or a careless integration sends where a value is expected.
HOSTILE = [
    "99999999999999999999999999999999",
    "-1",
    "1e308",
    "NaN",
    "abc",
    "\x00",
    "a\x00b",
    "\x1b[31m\x07",
    "x" * 100_000,
    "'; DROP TABLE order_order; --",
    "../../etc/passwd",
    "%00",
    "\u202e\ufeff",
]
#: Form and query fields our pages and APIs read, each sent with every hostile value.
FIELDS = [
    "q",
    "page",
    "page_size",
    "quantity",
    "counted",
    "product",
    "line",
    "code",
    "customer",
    "note",
    "reason",
    "store",
    "start",
    "end",
    "lat",
    "lng",
    "limit",
    "upc",
    "source",
    "destination",
    "location",
    "order",
    "status",
    "action",
    "id_checked",
    "collected_by",
    "method",
    "name",
    "phone",
    "email",
    "category",
    "sort_by",
    "at_my_store",
    "in_stock_at_store",
    "click_and_collect",
    "sold_out",
    "login-username",
    "login-password",
]
#: Wrong JSON for the API: scalars where objects are expected, objects where scalars are.
HOSTILE_JSON = [
    {"lines": "x"},
    {"lines": [{"product": 10**30, "quantity": 10**12}]},
    {"lines": [{"upc": "\x00", "quantity": -5}], "store": ["leeds"]},
    {"lines": [{"product": "abc", "quantity": "1e9"}], "customer": {"a": 1}},
    {"order": 10**30, "lines": [{"line": "x", "quantity": None}], "damaged": "maybe"},
    {"product": 10**30, "counted": 2**63, "note": "\x00"},
    {"code": 12, "id_checked": "yes", "collected_by": ["x"]},
    {"quantity": 10**30, "reason": {"x": 1}},
    {"note": "x" * 100_000},
    [1, 2, 3],
    "just a string",
]
CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def url_patterns(resolver=None, prefix=""):
    """(route as written, with its converters) for every pattern, includes followed."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def fill(route: str, values: dict) -> str:
    """The route with each parameter replaced by ``values[name]`` (or a hostile default)."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")

    def value(name):
        return str(values.get(name, "99999999999999999999"))

    route = CONVERTER.sub(lambda m: value(m["name"]), route)
    route = REGEX_GROUP.sub(lambda m: value(m["name"]), route)
    return "/" + route.replace("\\", "")


@pytest.fixture
def world(shop):
    """A shop with an order in each state, and one user of each kind."""
    manager = StoreStaffFactory(location=shop["leeds"], role="manager").user
    shopper = UserFactory()
    orders = {
        status: OrderFactory(
            store=shop["leeds"], user=shopper, status=status, lines={shop["lamp"]: 1}, by=manager
        )
        for status in (statuses.PLACED, statuses.READY, statuses.COLLECTED)
    }
    return {
        "users": {
            "anonymous": None,
            "shopper": shopper,
            "manager": manager,
            "merchandiser": UserFactory(is_staff=True, is_superuser=True),
        },
        "order": orders[statuses.COLLECTED],
        "lamp": shop["lamp"],
    }


def real_values(world) -> dict:
    """Parameters that resolve to real rows, so the walk also reaches the pages behind them."""
    order = world["order"]
    return {
        "code": "leeds",
        "number": order.number,
        "order_number": order.number,
        "pk": world["lamp"].pk,
        "line": order.lines.get().pk,
        "product_slug": world["lamp"].slug,
        "product_pk": world["lamp"].pk,
    }


def refused(response) -> bool:
    """A refusal of the user, not of the input: 401/403, or a redirect to a sign-in page."""
    if response.status_code in (401, 403):
        return True
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return "login" in location


def test_no_url_answers_a_server_error_to_hostile_input(world, client, caplog):
    # Django logs every 4xx with its request attached, and pytest keeps every record of a test:
    # tens of thousands of hostile requests (some of 100,000 characters) held to the end took
    # gigabytes. Only errors are logged (and kept) here; 5xx answers are counted below anyway.
    for logger in ("django.request", "django.security", "axes"):
        caplog.set_level(logging.ERROR, logger=logger)
    routes = sorted(set(url_patterns()))
    assert len(routes) > 100  # the whole site and API, not a sample
    real = real_values(world)
    failures = []
    client.raise_request_exception = False  # a server error is an answer to count, not a crash

    def check(method, url, **kwargs):
        response = getattr(client, method)(url, **kwargs)
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            error = f"{error[0].__name__}: {str(error[1])[:100]}" if error else ""
            failures.append(f"{response.status_code} {method.upper()} {url[:100]} {error}")

    for role, user in world["users"].items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for route in routes:
            if route.startswith(("admin", "^admin")) and role != "merchandiser":
                continue
            if "logout" in route and user is not None:
                continue  # signing out would walk the rest of the site as anonymous
            has_params = bool(CONVERTER.search(route) or REGEX_GROUP.search(route))
            # Hostile path parameters.
            for value in HOSTILE[:6] if has_params else []:
                check("get", fill(route, dict.fromkeys(real, value)))
            url = fill(route, real)
            if route.startswith(("admin", "^admin")):
                check("get", url, data={"q": "\x00", "p": "x" * 1000})
                continue
            if refused(client.get(url)):
                # This user may not use the page at all: it is refused before any input is
                # read (the other roles walk it with every value).
                continue
            # Hostile query parameters and form fields, then wrong JSON.
            for value in HOSTILE:
                # The 100,000-character value goes into the text fields, not into all of them
                # at once: 3 MB a request, thousands of times, grew the test process by GBs.
                fields = FIELDS if len(value) < 1000 else ["q", "note"]
                check("get", url, data=dict.fromkeys(fields, value))
                check("post", url, data=dict.fromkeys(fields, value))
            for body in HOSTILE_JSON if route.startswith("api/") else []:
                check("post", url, data=body, content_type="application/json")
    # One line per page and error (a page fails alike for many values), then how many in all.
    assert not failures, "\n".join(sorted(set(failures))) + f"\n({len(failures)} server errors)"
