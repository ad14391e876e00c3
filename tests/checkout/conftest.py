from django.urls import reverse


def add_to_basket(client, product, quantity=1):
    response = client.post(reverse("basket:add", args=[product.pk]), {"quantity": quantity})
    assert response.status_code == 302


def start_guest_checkout(client, email="guest@example.com"):
    response = client.post(reverse("checkout:index"), {"username": email, "options": "anonymous"})
    assert response.status_code == 302 and response["Location"] == reverse("checkout:fulfilment")


def choose_collect(client, store_code):
    return client.post(
        reverse("checkout:fulfilment"),
        {"method": "collect", "store": store_code, "name": "Ann Other"},
    )


def place_order(client):
    return client.post(reverse("checkout:preview"), {"action": "place_order"})
