"""The store console: staff of one store work its queue and orders; other stores' are closed."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory.selectors import ledger_drift
from apps.order import statuses
from tests.factories import StoreStaffFactory, bulk_pickup_orders

Order = get_model("order", "Order")


@pytest.fixture
def leeds_client(shop, client):
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    return client


@pytest.fixture
def york_client(shop, client):
    client.force_login(StoreStaffFactory(location=shop["york"]).user)
    return client


def act(client, order, action, **data):
    url = reverse("console:action", args=["leeds", order.number, action])
    return client.post(url, data, follow=True)


def text(response):
    return " ".join(response.content.decode().split())


def test_staff_land_on_their_own_stores_queue(order, leeds_client):
    assert leeds_client.get("/console/")["Location"] == reverse("console:queue", args=["leeds"])
    body = text(leeds_client.get(reverse("console:queue", args=["leeds"])))
    assert f"#{order.number} · Ann Other" in body
    assert "placed 0 minutes ago · promised" in body  # its age, then the promised time


def test_a_collect_order_walks_through_the_console(order, shop, leeds_client):
    assert "Started" not in text(act(leeds_client, order, "start-picking"))
    pick_list = leeds_client.get(reverse("console:pick-list", args=["leeds", order.number]))
    assert pick_list.status_code == 200 and "Desk Lamp" in text(pick_list)
    line = order.lines.get()
    asked = text(act(leeds_client, order, "short-pick", line=line.pk, quantity=1))
    assert "Short pick: Desk Lamp" in asked and "Not on the shelf" in asked  # asked first
    assert order.pickup_events.filter(kind="short_pick").count() == 0
    assert "Short pick recorded" in text(
        act(
            leeds_client,
            order,
            "short-pick",
            line=line.pk,
            quantity=1,
            reason="damaged",
            note="box crushed",
            confirmed="yes",
        )
    )
    assert "Confirm every line first" in text(act(leeds_client, order, "ready"))
    assert "Line picked." in text(act(leeds_client, order, "picked", line=line.pk))
    assert "Ready for collection: the customer will be told." in text(
        act(leeds_client, order, "ready")
    )
    refused = text(act(leeds_client, order, "hand-over", code="WRONG-CODE"))
    assert "That is not this order" in refused and "Wrong pickup code" in refused
    done = text(
        act(leeds_client, order, "hand-over", code=order.pickup_code, collected_by="Ann Other")
    )
    assert "Handed over. Order collected." in done
    assert "collected by Ann Other" in done
    order.refresh_from_db()
    assert order.status == statuses.COLLECTED
    assert list(ledger_drift()) == []


def test_an_action_from_the_wrong_state_is_refused_and_changes_nothing(order, leeds_client):
    body = text(act(leeds_client, order, "hand-over", code=order.pickup_code))
    assert "needs it to be Ready for collection" in body
    order.refresh_from_db()
    assert order.status == statuses.PLACED


def test_scanning_a_pickup_code_jumps_to_the_order(order, leeds_client):
    code = f"{order.pickup_code[:4]}-{order.pickup_code[4:]}".lower()
    response = leeds_client.get(reverse("console:queue", args=["leeds"]), {"q": code})
    assert response["Location"] == reverse("console:order", args=["leeds", order.number])
    by_email = leeds_client.get(
        reverse("console:queue", args=["leeds"]), {"q": "guest@example.com"}
    )
    assert by_email["Location"] == reverse("console:order", args=["leeds", order.number])


@pytest.mark.parametrize(
    "name,args",
    [
        ("console:queue", ["leeds"]),
        ("console:order", ["leeds", "{number}"]),
        ("console:pick-list", ["leeds", "{number}"]),
        ("console:sale", ["leeds"]),
        ("console:returns", ["leeds"]),
        ("console:stock", ["leeds"]),
        ("console:reports", ["leeds"]),
        ("console:reports-csv", ["leeds"]),
    ],
)
def test_staff_of_another_store_get_403_on_every_page(order, york_client, name, args):
    url = reverse(name, args=[a.format(number=order.number) for a in args])
    assert york_client.get(url).status_code == 403
    assert (
        york_client.get(reverse("console:queue", args=["leeds"]), {"q": order.number}).status_code
        == 403
    )


@pytest.mark.parametrize(
    "action", ["start-picking", "ready", "short-pick", "hand-over", "not-collected", "cancel"]
)
def test_staff_of_another_store_cannot_act_on_its_orders(order, york_client, action):
    assert (
        york_client.post(
            reverse("console:action", args=["leeds", order.number, action])
        ).status_code
        == 403
    )
    order.refresh_from_db()
    assert order.status == statuses.PLACED


def test_another_stores_order_is_not_found_through_my_console(order, york_client):
    assert york_client.get(reverse("console:order", args=["york", order.number])).status_code == 404
    assert (
        york_client.get(
            reverse("console:queue", args=["york"]), {"q": order.pickup_code}
        ).status_code
        == 200
    )
    assert (
        order.number
        not in york_client.get(reverse("console:queue", args=["york"])).content.decode()
    )


def test_shoppers_and_anonymous_visitors_are_kept_out(order, client):
    assert client.get(reverse("console:queue", args=["leeds"])).status_code == 302
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get("/console/").status_code == 403
    assert client.get(reverse("console:queue", args=["leeds"])).status_code == 403


def test_queue_queries_do_not_grow_with_open_orders(
    shop, leeds_client, django_assert_max_num_queries
):
    url = reverse("console:queue", args=["leeds"])
    bulk_pickup_orders(shop["leeds"], 10)
    leeds_client.get(url)
    with django_assert_max_num_queries(12) as few:
        leeds_client.get(url)
    bulk_pickup_orders(shop["leeds"], 690)
    bulk_pickup_orders(shop["leeds"], 300, status=statuses.READY)
    with django_assert_max_num_queries(12) as many:
        body = text(leeds_client.get(url))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert '<span>To pick</span><span class="count">700</span>' in body  # 1,000 open orders
    assert '<span>Ready for collection</span><span class="count">300</span>' in body
