"""Oscar's own pages that failed on input the walk in ``test_hostile_input`` sent them now
answer it: a bad id or number is a 400 or 404 with the reason, a missing row is said so, and
the good input still does what Oscar does."""

from django.urls import reverse
from oscar.core.loading import get_model

from apps.search.forms import MAX_QUERY_LENGTH
from tests.factories import OrderFactory, ProductFactory, UserFactory

Range = get_model("offer", "Range")
RangeProduct = get_model("offer", "RangeProduct")
UserSearch = get_model("analytics", "UserSearch")


def test_the_product_lookup_reads_good_queries_and_refuses_bad_ones(merchandiser):
    lamp = ProductFactory(title="Desk Lamp")
    ProductFactory(title="Kettle")
    url = reverse("dashboard:catalogue-product-lookup")
    found = merchandiser.get(url, {"q": "lamp"}).json()
    assert found["results"] == [{"id": lamp.pk, "text": "Desk Lamp"}]
    assert merchandiser.get(url, {"initial": str(lamp.pk)}).json()["results"][0]["id"] == lamp.pk
    for bad in [{"page": "-1"}, {"page": "abc"}, {"page_limit": "0"}, {"initial": "9" * 30}]:
        response = merchandiser.get(url, bad)
        assert response.status_code == 400
        assert set(response.json()["errors"]) == set(bad)


def test_reordering_a_range_takes_product_ids_only(merchandiser):
    first, second = ProductFactory(), ProductFactory()
    offer_range = Range.objects.create(name="Lamps")
    offer_range.add_product(first)
    offer_range.add_product(second)
    url = reverse("dashboard:range-reorder", args=[offer_range.pk])
    assert merchandiser.post(url, {"product": ["abc", str(first.pk)]}).status_code == 400
    assert merchandiser.post(url, {"product": [str(second.pk), str(first.pk)]}).status_code == 200
    order = RangeProduct.objects.filter(range=offer_range).order_by("display_order")
    assert [rp.product_id for rp in order] == [second.pk, first.pk]


def test_a_search_too_long_is_a_form_error_and_not_recorded(client, db):
    client.force_login(UserFactory())  # Oscar records signed-in shoppers' searches
    response = client.get(reverse("search:search"), {"q": "x" * (MAX_QUERY_LENGTH + 1)})
    assert response.status_code == 200
    assert f"at most {MAX_QUERY_LENGTH} characters" in response.content.decode()
    assert not UserSearch.objects.exists()
    client.get(reverse("search:search"), {"q": "lamp"})
    assert UserSearch.objects.get().query == "lamp"  # Oscar's analytics still kept


def test_buying_a_line_again_that_is_not_on_the_order_is_not_found(shop, client):
    shopper = UserFactory()
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}, user=shopper)
    client.force_login(shopper)
    line = order.lines.get()
    missing = reverse("customer:order-line", args=[order.number, line.pk + 1000])
    assert client.post(missing, {"action": "reorder"}).status_code == 404
    again = client.post(
        reverse("customer:order-line", args=[order.number, line.pk]), {"action": "reorder"}
    )
    assert again.status_code == 302 and again["Location"] == reverse("basket:summary")


def test_a_wish_list_for_a_product_gone_says_so(shop, client):
    client.force_login(UserFactory())
    url = reverse("customer:wishlists-create-with-product", args=[shop["lamp"].pk + 1000])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("customer:wishlists-create")
    assert "The requested product no longer exists." in response.content.decode()
    page = client.get(reverse("customer:wishlists-create-with-product", args=[shop["lamp"].pk]))
    assert page.status_code == 200 and "Desk Lamp" in page.content.decode()
