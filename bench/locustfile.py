"""A shop day under load, for Locust (``bench/load.sh`` runs it against gunicorn; or by hand, with
the tokens below: ``var/load/locust-venv/bin/locust -f bench/locustfile.py --host URL``).

Who comes, weighted like a real day (most people browse):

- ``Browser``: home, category, catalogue, search, product pages with "my store" chosen (the
  store finder and its *Make this my store* button), now and then an item into the basket.
- ``WebBuyer``: the same, then a guest's click-and-collect checkout through the web pages (CSRF
  token from the cookie, as a browser sends it) at their store; the thank-you page's order
  number and pickup code are kept for the store's staff.
- ``AppShopper``: the mobile app, signed in with a token (``LOAD_SHOPPER_TOKEN``): the API's
  catalogue, a collect order with an ``Idempotency-Key``, and now and then the same request
  again, which must answer 200 with the same order.
- ``ConsoleStaff`` (one): the London manager in the web console: queue, an order, start
  picking, each line picked, ready, hand over with the shopper's pickup code.
- ``ApiStaff`` (one): the Manchester associate doing the same through the API
  (``LOAD_MANCHESTER_TOKEN``).
- ``TillClerk`` (one): till sales at London, cash or card, through the API (``LOAD_LONDON_TOKEN``).

Every request is named (``name=``) so that Locust's statistics group by endpoint. A refusal the
shop is right to give under load (the last unit went to someone else) is counted under its own
name ("... refused: sold out"), not as an error; anything else unexpected is an error.
Environment: LOAD_SHOPPER_TOKEN, LOAD_LONDON_TOKEN, LOAD_MANCHESTER_TOKEN (API tokens; bench/load.sh
creates them), LOAD_STAFF_PASSWORD (default the demo's ``omnishop-staff``).
"""

import http.cookiejar
import json
import os
import random
import re
import uuid

from gevent.lock import Semaphore
from locust import HttpUser, between, task

LONDON, MANCHESTER = "london-soho", "manchester"
#: Where shoppers make their store: mostly the two stores whose staff work in this run.
MY_STORES = [LONDON] * 4 + [MANCHESTER] * 4 + ["leeds", "birmingham"]
SEARCHES = ["lamp", "mug", "chair", "cotton", "blue", "kettle", "shirt", "oak", "set", "bag"]
#: A shopper who comes up with the pickup code at the counter: order number -> code, kept by the
#: shoppers of this Locust process for the staff who hand over.
PICKUP_CODES: dict[str, str] = {}


# The shop runs its production settings (cookies marked Secure, as behind a TLS proxy) and Locust
# speaks plain HTTP to it on this machine: send the cookies back all the same. (Set on the class:
# requests copies the session's cookies into a jar of its own, with the default policy, for
# every request.) Only this Locust process is concerned.
http.cookiejar.DefaultCookiePolicy.return_ok_secure = lambda policy, cookie, request: True


class Catalogue:
    """What shoppers can click: products (id, barcode, page) and category pages, read once per
    Locust process from the public API and the catalogue page."""

    _lock = Semaphore()
    products: list[dict] = []
    categories: list[str] = []

    @classmethod
    def load(cls, client):
        with cls._lock:
            if cls.products:
                return
            page = 1
            while page <= 10:
                answer = client.get(f"/api/products/?page={page}", name="setup: products").json()
                cls.products += [p for p in answer["results"] if p.get("upc")]
                if not answer.get("next"):
                    break
                page += 1
            html = client.get("/catalogue/", name="setup: catalogue").text
            cls.categories = sorted(set(re.findall(r'href="(/catalogue/category/[^"]+/)"', html)))
            if not cls.products or not cls.categories:
                raise RuntimeError("no products or categories: load the demo shop first")

    @classmethod
    def product(cls) -> dict:
        """Any product; a third of the time one of five best sellers (rows that shoppers, the
        till and staff all lock at once)."""
        if random.random() < 0.33:
            return random.choice(cls.products[:5])
        return random.choice(cls.products)


def csrf(client) -> str:
    return client.cookies.get("csrftoken", "")


def refused(response, why: str):
    """A refusal the shop is right to give under load: counted under its own name."""
    response.request_meta["name"] = f"{response.request_meta['name']} refused: {why}"
    response.success()


class Shopper(HttpUser):
    abstract = True
    wait_time = between(1, 4)

    def on_start(self):
        Catalogue.load(self.client)
        self.store = None
        self.basket = 0

    def post_form(self, path, data, name):
        """A form posted as a browser does (CSRF token, no redirect followed)."""
        return self.client.post(
            path,
            data={**data, "csrfmiddlewaretoken": csrf(self.client)},
            name=name,
            allow_redirects=False,
            catch_response=True,
        )

    def expect(self, response, status: int, location: str = ""):
        if response.status_code != status:
            response.failure(f"{response.status_code}, not {status}: {response.text[:200]!r}")
        elif location and location not in response.headers.get("Location", ""):
            response.failure(f"redirected to {response.headers.get('Location')!r}, not {location}")
        else:
            response.success()

    # --- browsing ------------------------------------------------------------------------------

    @task(8)
    def home(self):
        self.client.get("/", name="home")

    @task(10)
    def category(self):
        self.client.get(random.choice(Catalogue.categories), name="category")

    @task(4)
    def catalogue(self):
        self.client.get(f"/catalogue/?page={random.randint(1, 3)}", name="catalogue")

    @task(2)
    def my_store_only(self):
        if self.store:
            self.client.get("/catalogue/?at_my_store=1", name="catalogue, my store only")

    @task(8)
    def search(self):
        self.client.get(f"/search/?q={random.choice(SEARCHES)}", name="search")

    @task(16)
    def product(self):
        if self.store is None and random.random() < 0.5:
            self.choose_store()
        self.client.get(Catalogue.product()["url"], name="product")

    def choose_store(self):
        """The store finder, then *Make this my store* on the store's page."""
        code = random.choice(MY_STORES)
        self.client.get(f"/stores/?q={code.split('-')[0]}", name="store finder")
        self.client.get(f"/stores/{code}/", name="store page")
        with self.post_form(f"/stores/{code}/choose/", {"next": "/"}, "choose my store") as r:
            self.expect(r, 302)
        self.store = code

    @task(3)
    def add_to_basket(self):
        product = Catalogue.product()
        self.client.get(product["url"], name="product")
        with self.post_form(
            f"/basket/add/{product['id']}/",
            {"quantity": random.choice([1, 1, 1, 2])},
            "add to basket",
        ) as r:
            self.expect(r, 302)
        self.basket += 1
        self.client.get("/basket/", name="basket")


class Browser(Shopper):
    """Looks around, chooses a store, sometimes fills a basket, never checks out."""

    weight = 12


class WebBuyer(Shopper):
    """Browses like everyone, and checks out as a guest collecting at their store."""

    weight = 3

    @task(6)
    def check_out(self):
        if self.store is None:
            self.choose_store()
        if not self.basket:
            self.add_to_basket()
        n = random.randrange(10**9)
        self.client.get("/checkout/", name="checkout")
        with self.post_form(
            "/checkout/",
            {"username": f"load{n}@example.com", "options": "anonymous"},
            "checkout: as guest",
        ) as r:
            self.expect(r, 302, "/checkout/fulfilment/")
        step = self.client.get("/checkout/fulfilment/", name="checkout: collect step").text
        choice = {"method": "collect", "store": self.store, "name": f"Load Shopper {n}"}
        # A store that takes pickup times asks for one: the first it offers.
        time = re.search(rf'name="time_{self.store}"[^>]*>\s*<option value="([^"]+)"', step)
        if time:
            choice[f"time_{self.store}"] = time.group(1)
        with self.post_form("/checkout/fulfilment/", choice, "checkout: choose the store") as r:
            if r.status_code == 200 and "does not have everything" in r.text:
                refused(r, "sold out")
                return self.start_again()
            if r.status_code == 200 and re.search(r"just filled up|no pickup times left", r.text):
                refused(r, "pickup times full")
                return self.start_again()
            self.expect(r, 302)
        self.client.get("/checkout/preview/", name="checkout: review")
        with self.post_form(
            "/checkout/preview/", {"action": "place_order"}, "checkout: place order"
        ) as r:
            where = r.headers.get("Location", "")
            if r.status_code == 302 and where.endswith("/basket/"):
                refused(r, "sold out")  # the basket page says what went meanwhile
                return self.start_again()
            self.expect(r, 302, "/checkout/thank-you/")
        with self.client.get(
            "/checkout/thank-you/", name="checkout: thank you", catch_response=True
        ) as r:
            number = re.search(r"Order <strong>(\w+)</strong> is placed", r.text)
            code = re.search(r'id="pickup-code">\s*([A-Z0-9-]+)\s*<', r.text)
            if not (number and code):
                r.failure("no order number or pickup code on the thank-you page")
            else:
                PICKUP_CODES[number.group(1)] = code.group(1)
        self.basket = 0

    def start_again(self):
        self.client.cookies.clear()
        self.store, self.basket = None, 0


class AppShopper(HttpUser):
    """The mobile app of the demo shopper: the API's catalogue and one-step collect checkout."""

    weight = 2
    wait_time = between(1, 4)

    def on_start(self):
        Catalogue.load(self.client)
        self.client.headers["Authorization"] = f"Token {os.environ['LOAD_SHOPPER_TOKEN']}"
        self.store = random.choice([LONDON, MANCHESTER])

    @task(5)
    def products(self):
        self.client.get(
            f"/api/products/?store={self.store}&q={random.choice(SEARCHES)}", name="api: products"
        )

    @task(5)
    def product(self):
        self.client.get(
            f"/api/products/{Catalogue.product()['id']}/?store={self.store}", name="api: product"
        )

    @task(1)
    def my_orders(self):
        self.client.get("/api/account/orders/", name="api: my orders")

    @task(3)
    def check_out(self):
        key = str(uuid.uuid4())
        body = {
            "store": self.store,
            "lines": [{"upc": Catalogue.product()["upc"], "quantity": random.choice([1, 1, 2])}],
        }
        headers = {"Idempotency-Key": key}
        with self.client.post(
            "/api/checkout/collect/",
            json=body,
            headers=headers,
            name="api: checkout collect",
            catch_response=True,
        ) as r:
            if r.status_code == 409 and "insufficient_stock" in r.text:
                return refused(r, "sold out")
            if r.status_code != 201:
                return r.failure(f"{r.status_code}: {r.text[:200]!r}")
            order = r.json()
            PICKUP_CODES[order["number"]] = order["pickup_code"]
        if random.random() < 0.3:  # the app lost the answer and sends the same request again
            with self.client.post(
                "/api/checkout/collect/",
                json=body,
                headers=headers,
                name="api: checkout collect, retried",
                catch_response=True,
            ) as r:
                if r.status_code != 200 or r.json().get("number") != order["number"]:
                    r.failure(
                        f"a retry with the same key answered {r.status_code} {r.text[:200]!r}"
                    )


class StoreStaff(HttpUser):
    abstract = True
    fixed_count = 1
    wait_time = between(1, 3)

    @staticmethod
    def next_order(groups: dict[str, list[str]]):
        """The first order of the first group with work: ready (shoppers waiting first), then
        picking, then to pick (each oldest first, as the queue lists them)."""
        for group in ("ready", "picking", "to-pick"):
            if groups.get(group):
                return group, groups[group][0]
        return None, None


class ConsoleStaff(StoreStaff):
    """The London manager at the console's web pages."""

    store = LONDON

    def on_start(self):
        self.client.get("/accounts/login/?next=/console/", name="console: sign-in page")
        password = os.environ.get("LOAD_STAFF_PASSWORD", "omnishop-staff")
        with self.client.post(
            "/accounts/login/?next=/console/",
            data={
                "login-username": "staff.london@omnishop.example",
                "login-password": password,
                "login_submit": "1",
                "csrfmiddlewaretoken": csrf(self.client),
            },
            name="console: sign in",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"sign-in answered {r.status_code}")

    def act(self, number, action, data=None, name=None):
        with self.client.post(
            f"/console/{self.store}/orders/{number}/{action}/",
            data={**(data or {}), "csrfmiddlewaretoken": csrf(self.client)},
            name=name or f"console: {action}",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"{r.status_code}: {r.text[:200]!r}")

    def order_page(self, number, expect_status=None):
        with self.client.get(
            f"/console/{self.store}/orders/{number}/", name="console: order", catch_response=True
        ) as r:
            status = re.search(r'id="order-status">([^<]+)<', r.text)
            if status is None:
                r.failure("no order status on the order page")
            elif expect_status and status.group(1) != expect_status:
                messages = re.findall(r'class="[^"]*message[^"]*"[^>]*>([^<]+)<', r.text)
                r.failure(
                    f"order {number} is {status.group(1)!r}, not {expect_status!r} {messages}"
                )
            return r.text

    @task
    def work_the_queue(self):
        html = self.client.get(f"/console/{self.store}/", name="console: queue").text
        groups = {
            slug: re.findall(rf'href="/console/{self.store}/orders/(\w+)/"', body)
            for slug, body in re.findall(r'data-group="([\w-]+)">(.*?)</section>', html, re.S)
        }
        group, number = self.next_order(groups)
        if number is None:
            self.client.get(f"/console/{self.store}/pulse/", name="console: pulse")
            return
        page = self.order_page(number)
        if group == "to-pick":
            self.act(number, "start-picking")
            page = self.order_page(number, "Picking")
            group = "picking"
        if group == "picking":
            for line in re.findall(r'class="pick-line">.*?name="line" value="(\d+)"', page, re.S):
                self.act(number, "picked", {"line": line})
            self.act(number, "ready")
            self.order_page(number, "Ready for collection")
        elif group == "ready":
            code = PICKUP_CODES.pop(number, None)
            if code:
                self.act(number, "hand-over", {"code": code}, "console: hand over (code)")
            else:  # an order from before this run: no code to hand, the ID is checked instead
                data = {"id_checked": "on", "collected_by": "Ann Other"}
                self.act(number, "hand-over", data, "console: hand over (ID)")
            self.order_page(number, "Collected")


class ApiStaff(StoreStaff):
    """The Manchester associate with a scanner that speaks the API."""

    store = MANCHESTER

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {os.environ['LOAD_MANCHESTER_TOKEN']}"

    def post(self, path, body, name, expect_status=None):
        with self.client.post(
            f"/api/console/{self.store}/orders/{path}",
            json=body,
            name=name,
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:200]!r}")
                return None
            order = r.json()
            if expect_status and order["status"] != expect_status:
                r.failure(f"{order['number']} is {order['status']!r}, not {expect_status!r}")
            return order

    @task
    def work_the_queue(self):
        queue = self.client.get(
            f"/api/console/{self.store}/queue/", name="api console: queue"
        ).json()
        groups = {group["key"]: [o["number"] for o in group["orders"]] for group in queue}
        group, number = self.next_order(groups)
        if number is None:
            return
        order = self.client.get(
            f"/api/console/{self.store}/orders/{number}/", name="api console: order"
        ).json()
        if group == "to-pick":
            order = self.post(
                f"{number}/start-picking/", {}, "api console: start picking", "Picking"
            )
            group = "picking"
        if order and group == "picking":
            for line in order["lines"]:
                if line["to_pick"] and line["to_collect"]:
                    self.post(f"{number}/lines/{line['id']}/picked/", {}, "api console: picked")
            self.post(f"{number}/ready/", {}, "api console: ready", "Ready for collection")
        elif group == "ready":
            code = PICKUP_CODES.pop(number, None)
            body = {"code": code} if code else {"id_checked": True, "collected_by": "Ann Other"}
            name = "api console: hand over " + ("(code)" if code else "(ID)")
            self.post(f"{number}/hand-over/", body, name, "Collected")


class TillClerk(HttpUser):
    """The London till: a few items scanned, cash or card, sometimes a known customer."""

    fixed_count = 1
    wait_time = between(2, 5)

    def on_start(self):
        Catalogue.load(self.client)
        self.client.headers["Authorization"] = f"Token {os.environ['LOAD_LONDON_TOKEN']}"

    @task(4)
    def sale(self):
        lines = [
            {"upc": Catalogue.product()["upc"], "quantity": 1} for _ in range(random.randint(1, 3))
        ]
        if random.random() < 0.5:
            tender = {"tender": "cash", "amount_tendered": "5000.00"}
        else:
            tender = {"tender": "card", "card_reference": f"T{random.randrange(10**8)}"}
        customer = {"customer": "07911 123456"} if random.random() < 0.2 else {}
        with self.client.post(
            f"/api/console/{LONDON}/sales/",
            data=json.dumps({"lines": lines, **tender, **customer}),
            headers={"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())},
            name="api: till sale",
            catch_response=True,
        ) as r:
            if r.status_code == 409 and "insufficient_stock" in r.text:
                refused(r, "sold out")
            elif r.status_code != 201:
                r.failure(f"{r.status_code}: {r.text[:200]!r}")

    @task(1)
    def stock_lookup(self):
        self.client.get(
            f"/api/console/{LONDON}/stock/?q={Catalogue.product()['upc']}", name="api: stock lookup"
        )
