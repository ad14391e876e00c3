"""The till and the returns counter as store staff use them: scan, quantities, prices and the
total, cash or card, void, the receipt, and refunds shown before they are taken."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from apps.instore.models import TillSale
from apps.inventory.selectors import availability
from apps.order import statuses
from tests.factories import OrderFactory, ProductFactory, StoreStaffFactory, UserFactory, stock

Order = get_model("order", "Order")


def text(response):
    """The page's words, without tags."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


@pytest.fixture
def till(shop, client):
    """The Leeds till, signed in as one of its associates (first name Alex)."""
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    return reverse("console:sale", args=["leeds"])


@pytest.fixture
def mug(shop):
    """A second product: 4.99 at the warehouse (the one price), 5 on the Leeds shelves."""
    mug = ProductFactory(title="Tea Mug", upc="MUG-1")
    stock(shop["warehouse"], mug, 10, price=Decimal("4.99"))
    stock(shop["leeds"], mug, 5, price=Decimal("99.00"))  # a store's own price is never used
    return mug


def ats(shop, product=None):
    product = product or shop["lamp"]
    return availability(products=[product], locations=[shop["leeds"]]).at(product, shop["leeds"])


def cash(client, till, amount, **extra):
    return client.post(
        till, {"action": "complete", "tender": "cash", "tendered": amount, **extra}, follow=True
    )


def test_a_scanned_barcode_adds_one_unit_priced_as_the_web_prices_it(shop, client, till, mug):
    assert client.get(till, {"q": "LAMP-1"})["Location"] == till  # a scan adds the product
    client.get(till, {"q": "mug-1"})
    client.get(till, {"q": "MUG-1"})
    page = text(client.get(till))
    assert "Desk Lamp LAMP-1 2 available here £10.00 " in page
    assert "Tea Mug MUG-1 5 available here £4.99 " in page
    assert "£0.00 £9.98" in page  # the mugs' tax (prices include it) and line total
    assert "3 items £0.00 £19.98" in page  # tax and the total


def test_a_search_lists_products_and_adds_the_one_chosen(shop, client, till):
    page = text(client.get(till, {"q": "lamp"}))
    assert "Desk Lamp LAMP-1 2 available here" in page
    client.post(till, {"action": "add", "product": shop["lamp"].pk})
    assert "1 item £0.00 £10.00" in text(client.get(till))


def test_quantities_go_up_down_typed_and_a_line_comes_off(shop, client, till, mug):
    client.get(till, {"q": "MUG-1"})
    client.get(till, {"q": "LAMP-1"})
    client.post(till, {"action": "add", "product": mug.pk})
    assert "3 items £0.00 £19.98" in text(client.get(till))
    client.post(till, {"action": "set", "product": mug.pk, "quantity": "4"})
    assert "5 items £0.00 £29.96" in text(client.get(till))
    client.post(till, {"action": "remove", "product": mug.pk})
    assert "4 items £0.00 £24.97" in text(client.get(till))
    client.post(till, {"action": "delete", "product": shop["lamp"].pk})
    page = text(client.get(till))
    assert "Desk Lamp" not in page and "3 items £0.00 £14.97" in page
    client.post(till, {"action": "set", "product": mug.pk, "quantity": "0"})
    assert "Nothing scanned yet." in text(client.get(till))


def test_a_typed_quantity_that_is_not_a_number_is_refused_and_the_sale_kept(shop, client, till):
    client.get(till, {"q": "LAMP-1"})
    page = text(
        client.post(
            till, {"action": "set", "product": shop["lamp"].pk, "quantity": "2x"}, follow=True
        )
    )
    assert "'2x' is not a number of units of Desk Lamp." in page
    assert "1 item £0.00 £10.00" in page


def test_cash_records_the_sale_the_change_and_shows_the_receipt(shop, client, till, mug):
    client.get(till, {"q": "LAMP-1"})
    client.post(till, {"action": "set", "product": mug.pk, "quantity": "2"})
    response = cash(client, till, "20")
    order = Order.objects.get(channel="store")
    assert response.redirect_chain[-1][0] == reverse(
        "console:sale-receipt", args=["leeds", order.number]
    )
    page = text(response)
    assert f"Sale recorded as order #{order.number}. Change due: £0.02." in page
    assert "Tea Mug 2 £4.99 £9.98" in page and "Desk Lamp 1 £10.00 £10.00" in page
    assert "Total £19.98 Cash £20.00 Change £0.02" in page
    assert "Served by Alex" in page and "Omnishop Leeds" in page
    sale = order.till_sale
    assert (sale.tender, sale.amount_tendered, sale.change_given) == (
        "cash",
        Decimal("20.00"),
        Decimal("0.02"),
    )
    assert order.status == statuses.COMPLETED and order.total_incl_tax == Decimal("19.98")
    assert "Nothing scanned yet." in text(client.get(till))  # the till is ready for the next


def test_cash_less_than_the_total_is_refused_and_nothing_is_recorded(shop, client, till):
    client.get(till, {"q": "LAMP-1"})
    page = text(cash(client, till, "9.99"))
    assert "Cash given £9.99 is less than the total £10.00: £0.01 more is needed." in page
    assert not Order.objects.exists() and not TillSale.objects.exists()
    assert ats(shop) == 2
    assert "1 item £0.00 £10.00" in page  # the sale is still on the till


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Cash: enter the amount the customer handed over."),
        ("ten", "Cash: 'ten' is not an amount of money."),
        ("-20", "Cash: '-20' is not an amount of money."),
        ("10.005", "Cash: '10.005' is not an amount of money."),
        ("NaN", "Cash: 'NaN' is not an amount of money."),
        ("1000000", "Cash: 1000000 is more than a till takes for one sale."),
    ],
)
def test_cash_that_is_not_an_amount_is_refused_with_a_reason(shop, client, till, typed, message):
    client.get(till, {"q": "LAMP-1"})
    assert message in text(cash(client, till, typed))
    assert not Order.objects.exists()


def test_a_card_payment_needs_the_terminal_reference(shop, client, till):
    client.get(till, {"q": "LAMP-1"})
    page = text(
        client.post(
            till, {"action": "complete", "tender": "card", "card_reference": "  "}, follow=True
        )
    )
    assert "Card: type the reference the payment terminal printed." in page
    assert not Order.objects.exists()
    page = text(
        client.post(
            till,
            {"action": "complete", "tender": "card", "card_reference": "AUTH 123456"},
            follow=True,
        )
    )
    sale = TillSale.objects.get()
    assert (sale.tender, sale.card_reference, sale.change_given) == ("card", "AUTH 123456", 0)
    assert sale.order.sources.get().reference == "AUTH 123456"
    assert "Card £10.00 Terminal ref. AUTH 123456 Change £0.00" in page
    assert "Change due" not in page


def test_a_sale_without_a_tender_is_refused(shop, client, till):
    client.get(till, {"q": "LAMP-1"})
    page = text(client.post(till, {"action": "complete"}, follow=True))
    assert "Choose how the customer paid: cash or card." in page
    assert not Order.objects.exists()


def test_void_empties_the_till_and_records_nothing(shop, client, till):
    shopper = UserFactory(email="shona@example.com")
    client.get(till, {"q": "LAMP-1"})
    client.post(till, {"action": "customer", "customer": shopper.email})
    page = text(client.post(till, {"action": "void"}, follow=True))
    assert "Sale voided: nothing was recorded." in page
    assert "Nothing scanned yet." in page and shopper.get_full_name() not in page
    assert not Order.objects.exists() and ats(shop) == 2


def test_the_till_cannot_sell_more_than_the_store_has(shop, client, till):
    client.post(till, {"action": "set", "product": shop["lamp"].pk, "quantity": "3"})
    assert "Only 2 available here" in text(client.get(till))
    page = text(cash(client, till, "50"))
    assert "Only 2 left of Desk Lamp at Omnishop Leeds" in page
    assert not Order.objects.exists() and ats(shop) == 2


def test_a_receipt_is_only_for_this_stores_till_sales(shop, client, till):
    client.get(till, {"q": "LAMP-1"})
    cash(client, till, "10")
    sale = TillSale.objects.get()
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1})
    receipt = reverse("console:sale-receipt", args=["leeds", sale.order.number])
    assert client.get(receipt).status_code == 200
    # a pickup order has no till receipt
    assert (
        client.get(reverse("console:sale-receipt", args=["leeds", order.number])).status_code == 404
    )
    client.force_login(StoreStaffFactory(location=shop["york"]).user)
    assert client.get(receipt).status_code == 403
    york = reverse("console:sale-receipt", args=["york", sale.order.number])
    assert client.get(york).status_code == 404


def test_the_receipt_prints_on_80mm_paper_with_a_print_button(shop, client, till):
    client.get(till, {"q": "LAMP-1"})
    page = cash(client, till, "10").content.decode()
    assert "data-print" in page and "console/till.css" in page
    css = (
        __import__("pathlib").Path(__file__).resolve().parents[2] / "static/console/till.css"
    ).read_text()
    assert "@page { size: 80mm auto;" in css


def test_counter_return_of_a_till_sale_shows_in_the_customers_account(shop, client, till):
    shopper = UserFactory(email="shona@example.com")
    client.get(till, {"q": "LAMP-1"})
    cash(client, till, "10", customer="shona@example.com")
    order = shopper.orders.get()
    returns = reverse("console:returns", args=["leeds"])
    found = text(client.get(returns, {"q": "shona@example.com"}))
    assert f"Order #{order.number} · In store" in found
    line = order.lines.get()
    done = text(
        client.post(
            reverse("console:take-return", args=["leeds", order.number]),
            {f"line-{line.pk}": "1", "reason": "changed mind"},
            follow=True,
        )
    )
    assert f"Return recorded for order #{order.number}: 1 unit, refund £10.00 to give back." in done
    assert ats(shop) == 2
    client.force_login(shopper)
    account = text(client.get(reverse("customer:order", args=[order.number])))
    assert "Returned" in account and "at Omnishop Leeds: 1 × Desk Lamp" in account


def test_returns_show_each_lines_refund_and_the_total_before_it_is_taken(shop, client, till, mug):
    client.post(till, {"action": "set", "product": mug.pk, "quantity": "3"})
    client.get(till, {"q": "LAMP-1"})
    cash(client, till, "30")
    order = Order.objects.get()
    mugs, lamps = order.lines.get(product=mug), order.lines.get(product=shop["lamp"])
    returns = reverse("console:returns", args=["leeds"])
    found = text(client.get(returns, {"q": order.number}))
    assert "Tea Mug 3 £4.99 3" in found and "Desk Lamp 1 £10.00 1" in found
    review = client.get(
        returns,
        {
            "q": order.number,
            "review": order.number,
            f"line-{mugs.pk}": "2",
            f"line-{lamps.pk}": "1",
            "reason": "wrong colour",
        },
    )
    page = text(review)
    assert "Refund for order" in page
    assert "Tea Mug 2 £4.99 £9.98" in page and "Desk Lamp 1 £10.00 £10.00" in page
    assert "Refund total £19.98" in page and "Confirm refund of £19.98" in page
    assert not order.counter_returns.exists()  # reviewing takes nothing back
    done = text(
        client.post(
            reverse("console:take-return", args=["leeds", order.number]),
            {f"line-{mugs.pk}": "2", f"line-{lamps.pk}": "1", "reason": "wrong colour"},
            follow=True,
        )
    )
    assert "3 units, refund £19.98 to give back." in done
    assert sorted(order.counter_returns.values_list("refund", flat=True)) == [
        Decimal("9.98"),
        Decimal("10.00"),
    ]
    page = text(client.get(reverse("console:order", args=["leeds", order.number])))
    assert "2 × Tea Mug · refund £9.98" in page


def test_a_refund_review_of_more_than_is_left_is_refused(shop, client, till):
    client.get(till, {"q": "LAMP-1"})
    cash(client, till, "10")
    order = Order.objects.get()
    line = order.lines.get()
    returns = reverse("console:returns", args=["leeds"])
    page = text(
        client.get(returns, {"q": order.number, "review": order.number, f"line-{line.pk}": "2"})
    )
    assert "Desk Lamp: 2 cannot be returned, 1 of 1 can." in page
    assert "Confirm refund" not in page
    page = text(
        client.get(returns, {"q": order.number, "review": order.number, f"line-{line.pk}": "x"})
    )
    assert "'x' is not a number of units." in page


def test_other_stores_staff_get_403_on_till_and_returns(shop, client):
    client.force_login(StoreStaffFactory(location=shop["york"]).user)
    assert client.get(reverse("console:sale", args=["leeds"])).status_code == 403
    assert client.get(reverse("console:returns", args=["leeds"])).status_code == 403
    assert client.post(reverse("console:take-return", args=["leeds", "100001"])).status_code == 403


def test_till_sales_and_returns_are_on_the_orders_console_timeline(shop, client):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    client.force_login(staff)
    sale = reverse("console:sale", args=["leeds"])
    client.get(sale, {"q": "LAMP-1"})
    cash(client, sale, "10")
    order = shop["lamp"].line_set.get().order
    page = text(client.get(reverse("console:order", args=["leeds", order.number])))
    assert f"Order #{order.number} · Completed" in page
    assert f"Sold at the till by {staff.get_full_name()}" in page
    line = order.lines.get()
    client.post(
        reverse("console:take-return", args=["leeds", order.number]),
        {f"line-{line.pk}": "1", "damaged": "on", "reason": "cracked"},
    )
    page = text(client.get(reverse("console:order", args=["leeds", order.number])))
    assert "Returned at the counter by" in page and "1 × Desk Lamp" in page
    assert "written off as damaged · cracked" in page
    client.force_login(StoreStaffFactory(location=shop["york"]).user)
    assert client.get(reverse("console:order", args=["york", order.number])).status_code == 404


def test_every_till_and_returns_page_has_one_scan_target_and_no_autofocus(shop, client, till):
    client.get(till, {"q": "LAMP-1"})
    pages = [client.get(till), client.get(reverse("console:returns", args=["leeds"]))]
    cash(client, till, "10")
    number = Order.objects.get().number
    pages.append(client.get(reverse("console:sale-receipt", args=["leeds", number])))
    for page in pages:
        html = page.content.decode()
        mine = html.split("<main>", 1)[1]  # the header's search box is the layout's
        assert len(re.findall(r"\sdata-scan[\s>=]", mine)) == 1
        assert "autofocus" not in mine


def test_a_product_without_a_price_is_shown_and_cannot_be_sold(shop, client, till):
    unpriced = ProductFactory(title="Sample Box", upc="SAMPLE-1")
    stock(shop["leeds"], unpriced, 3)  # on the shelf, but no warehouse price
    client.get(till, {"q": "SAMPLE-1"})
    assert "Sample Box SAMPLE-1 3 available here no price" in text(client.get(till))
    page = text(cash(client, till, "10"))
    assert "No price for Sample Box: remove it to sell." in page
    assert not Order.objects.exists()


def test_pay_tapped_twice_records_one_sale(shop, client, till, mug):
    client.get(till, {"q": "MUG-1"})
    key = re.search(r'name="sale" value="([^"]+)"', client.get(till).content.decode())[1]
    paid = {"action": "complete", "tender": "cash", "tendered": "5", "sale": key}
    first = client.post(till, paid)
    second = client.post(till, paid, follow=True)  # the second tap, on the same page
    order = Order.objects.get()
    assert first["Location"] == second.redirect_chain[-1][0]
    assert f"Already recorded as order #{order.number}: nothing more." in text(second)
    assert ats(shop, mug) == 4 and TillSale.objects.count() == 1
    client.get(till, {"q": "MUG-1"})
    assert key not in client.get(till).content.decode()  # the next sale has a key of its own


def test_confirm_tapped_twice_takes_the_units_back_once(shop, client, till, mug):
    client.post(till, {"action": "set", "product": mug.pk, "quantity": "3"})
    cash(client, till, "20")
    order = Order.objects.get()
    line = order.lines.get()
    returns = reverse("console:returns", args=["leeds"])
    review = client.get(
        returns, {"q": order.number, "review": order.number, f"line-{line.pk}": "1"}
    )
    assert 'name="returned_before" value="0"' in review.content.decode()
    confirm = {f"line-{line.pk}": "1", "returned_before": "0"}
    take = reverse("console:take-return", args=["leeds", order.number])
    client.post(take, confirm)
    page = text(client.post(take, confirm, follow=True))
    assert "has had units brought back since this refund was reviewed" in page
    assert order.counter_returns.count() == 1 and ats(shop, mug) == 3
