"""The counter in the store console: the till, its receipts, and returns (thin views over
apps.instore)."""

import secrets

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views import View
from django.views.generic import TemplateView
from oscar.core.loading import get_model
from oscar.templatetags.currency_filters import currency

from apps.checkout import order_payment
from apps.instore import selectors, services
from apps.inventory.bounds import MAX_UNITS
from apps.inventory.selectors import availability, product_matches
from apps.inventory.services import StockError
from apps.profiles import consent

from .views import StoreConsoleMixin, posted_id

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")


#: Marketing the till asks a known customer about (personalisation is asked online).
TILL_CONSENTS = (consent.EMAIL, consent.SMS)


class SaleView(StoreConsoleMixin, TemplateView):
    """Scan or search products, change quantities, attach the customer, take cash or card and
    record the sale; or void it. The sale in progress lives in the session until then."""

    template_name = "console/sale.html"

    @property
    def session_key(self):
        return f"console_sale_{self.store.pk}"

    def cart(self) -> dict[int, int]:
        return {int(k): v for k, v in self.request.session.get(self.session_key, {}).items()}

    def save_cart(self, cart):
        self.request.session[self.session_key] = {str(k): v for k, v in cart.items() if v > 0}

    @property
    def customer_key(self):
        return f"console_sale_customer_{self.store.pk}"

    def customer(self) -> tuple:
        """The sale's customer so far, as (account, guest e-mail)."""
        held = self.request.session.get(self.customer_key) or {}
        user = None
        if held.get("id"):
            user = get_user_model().objects.filter(pk=held["id"], is_active=True).first()
        return user, held.get("email", "")

    def save_customer(self, user, email=""):
        if user is None and not email:
            self.request.session.pop(self.customer_key, None)
        else:
            self.request.session[self.customer_key] = {
                "id": user.pk if user else None,
                "email": "" if user else email,
            }

    @property
    def sale_key_key(self):
        return f"console_sale_key_{self.store.pk}"

    def sale_key(self) -> str:
        """This sale's key, sent with its payment: a second tap of Pay finds the sale made."""
        key = self.request.session.get(self.sale_key_key)
        if not key:
            key = self.request.session[self.sale_key_key] = secrets.token_urlsafe(24)
        return key

    def start_next_sale(self):
        self.save_cart({})
        self.save_customer(None)
        self.request.session.pop(self.sale_key_key, None)

    def get_context_data(self, **kwargs):
        query = self.search_query()
        found = []
        if query:
            found = list(Product.objects.filter(product_matches(query)).order_by("title")[:20])
        units = availability(products=found, locations=[self.store])
        customer, guest_email = self.customer()
        return super().get_context_data(
            sale_key=self.sale_key(),
            query=query,
            found=[(p, units.at(p, self.store)) for p in found],
            cart=selectors.till_cart(quantities=self.cart(), location=self.store),
            customer=customer,
            customer_consents=consent.current(customer) if customer else {},
            guest_email=guest_email,
            max_units=MAX_UNITS,
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        query = self.search_query()
        exact = Product.objects.filter(upc__iexact=query).first() if query else None
        if exact is not None:  # a scanned barcode goes straight into the sale
            self.change(exact, lambda units: units + 1)
            return redirect("console:sale", code=self.store.code)
        return super().get(request, *args, **kwargs)

    def change(self, product, how) -> None:
        cart = self.cart()
        cart[product.pk] = max(how(cart.get(product.pk, 0)), 0)
        self.save_cart(cart)

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        here = redirect("console:sale", code=self.store.code)
        if action in ("add", "remove", "set", "delete"):
            product = Product.objects.filter(pk=posted_id(request.POST.get("product"))).first()
            if product is None:
                messages.error(request, "No such product: scan or search again.")
            elif action == "add":
                self.change(product, lambda units: units + 1)
            elif action == "remove":
                self.change(product, lambda units: units - 1)
            elif action == "delete":
                self.change(product, lambda units: 0)
            else:
                typed = request.POST.get("quantity", "").strip()
                if not typed.isdigit() or int(typed) > MAX_UNITS:
                    messages.error(
                        request, f"{typed!r} is not a number of units of {product.get_title()}."
                    )
                else:
                    self.change(product, lambda units: int(typed))
            return here
        if action == "customer":
            try:
                customer, email = services.customer_for_sale(request.POST.get("customer", ""))
            except services.InstoreError as exc:
                messages.error(request, str(exc))
                return here
            self.save_customer(customer, email)
            return here
        if action == "forget-customer":
            self.save_customer(None)
            return here
        if action == "consent":  # the customer's answer, asked at the till
            customer, _email = self.customer()
            if customer is not None:
                for channel in TILL_CONSENTS:
                    consent.record(
                        user=customer,
                        channel=channel,
                        granted=bool(request.POST.get(f"consent_{channel}")),
                        source="till",
                    )
                messages.success(request, "Their choice is saved.")
            return here
        if action == "void":
            self.start_next_sale()
            messages.success(request, "Sale voided: nothing was recorded.")
            return here
        if action == "complete":
            return self.complete(request)
        return here

    def complete(self, request):
        here = redirect("console:sale", code=self.store.code)
        key = request.POST.get("sale", "").strip()[:64] or None
        if key and (recorded := selectors.recorded_sale(location=self.store, sale_key=key)):
            return self.already_recorded(recorded)
        cart = selectors.till_cart(quantities=self.cart(), location=self.store)
        unpriced = [line.product.get_title() for line in cart.lines if line.unit_price is None]
        if unpriced:
            messages.error(request, f"No price for {', '.join(unpriced)}: remove it to sell.")
            return here
        try:
            if request.POST.get("customer", "").strip():  # typed with the tender
                customer, email = services.customer_for_sale(request.POST["customer"])
            else:
                customer, email = self.customer()
            tender = services.Tender.parse(
                method=request.POST.get("tender", ""),
                amount=request.POST.get("tendered", ""),
                card_reference=request.POST.get("card_reference", ""),
            )
            order = services.sell(
                location=self.store,
                quantities=self.cart(),
                by=request.user,
                customer=customer,
                customer_email=email,
                tender=tender,
                sale_key=key,
            )
        except (StockError, services.InstoreError) as exc:
            messages.error(request, str(exc))
            return here
        except IntegrityError:
            # Pay tapped twice at once: the other request has just recorded this sale.
            recorded = selectors.recorded_sale(location=self.store, sale_key=key) if key else None
            if recorded is None:
                raise
            return self.already_recorded(recorded)
        self.start_next_sale()
        sale = order.till_sale
        done = f"Sale recorded as order #{order.number}."
        if sale.tender == sale.Tender.CASH:
            done += f" Change due: {currency(sale.change_given, order.currency)}."
        messages.success(request, done)
        return redirect("console:sale-receipt", code=self.store.code, number=order.number)

    def already_recorded(self, order):
        self.start_next_sale()
        messages.info(self.request, f"Already recorded as order #{order.number}: nothing more.")
        return redirect("console:sale-receipt", code=self.store.code, number=order.number)


class ReceiptView(StoreConsoleMixin, TemplateView):
    """A till sale's receipt, laid out for an 80 mm receipt printer."""

    template_name = "console/receipt.html"

    def get_context_data(self, **kwargs):
        sale = selectors.till_receipt(location=self.store, number=self.kwargs["number"])
        if sale is None:
            raise Http404("No till sale with that number at this store.")
        return super().get_context_data(
            sale=sale,
            order=sale.order,
            customer_name=selectors.customer_name(sale.order),
            **selectors.receipt_lines(sale.order),
            **kwargs,
        )


class ReturnsView(StoreConsoleMixin, TemplateView):
    """Find any order (web, collect or in-store) by number or the customer's e-mail or phone,
    see what each line refunds, review the refund and take the lines back."""

    template_name = "console/returns.html"

    def get_context_data(self, **kwargs):
        query = self.search_query()
        orders = []
        if query:
            orders = list(selectors.orders_for_return(query)[:20])
            for order in orders:
                order.returnable_lines = [
                    (line, services.returnable(line)) for line in order.lines.all()
                ]
        return super().get_context_data(
            query=query, orders=orders, review=self.review(orders), **kwargs
        )

    def review(self, orders):
        """The refund asked for with ``review=<order number>`` and each line's units."""
        number = self.request.GET.get("review", "").strip()
        order = next((o for o in orders if o.number == number), None)
        if order is None:
            return None
        quantities, error = _quantities(order, self.request.GET)
        if error is None:
            try:
                return selectors.refund_quote(order=order, quantities=quantities)
            except services.InstoreError as exc:
                error = str(exc)
        messages.error(self.request, error)
        return None


class TakeReturnView(StoreConsoleMixin, View):
    def post(self, request, code, number):
        order = get_object_or_404(Order, number=number)
        back = f"{reverse('console:returns', args=[code])}?q={order.number}"
        quantities, error = _quantities(order, request.POST)
        if error:
            messages.error(request, error)
            return redirect(back)
        try:
            refund = services.take_return(
                location=self.store,
                order=order,
                quantities=quantities,
                by=request.user,
                damaged=request.POST.get("damaged") == "on",
                reason=request.POST.get("reason", "")[:255],
                returned_before=_count(request.POST.get("returned_before")),
            )
        except services.InstoreError as exc:
            messages.error(request, str(exc))
        else:
            units = sum(quantities.values())
            paid_back = (
                "refunded to the card it was paid with"
                if order_payment.payment_state(order).by_card
                else "to give back"
            )
            messages.success(
                request,
                f"Return recorded for order #{order.number}: {units} unit{'s' * (units != 1)}, "
                f"refund {currency(refund, order.currency)} {paid_back}.",
            )
        return redirect(back)


def _quantities(order, data) -> tuple[dict[int, int], str | None]:
    """The units to take back of each of the order's lines (``line-<id>`` fields), or what is
    wrong with what was typed."""
    quantities = {}
    for line in order.lines.all():
        value = data.get(f"line-{line.pk}", "").strip()
        if value and value != "0":
            if not value.isdigit() or int(value) > MAX_UNITS:
                return {}, f"{value!r} is not a number of units."
            quantities[line.pk] = int(value)
    return quantities, None


def _count(text) -> int | None:
    """A posted count of units, or None when not given (or not a count)."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 10 else None


urlpatterns = [
    path("<slug:code>/sale/", SaleView.as_view(), name="sale"),
    path("<slug:code>/sale/<str:number>/receipt/", ReceiptView.as_view(), name="sale-receipt"),
    path("<slug:code>/returns/", ReturnsView.as_view(), name="returns"),
    path("<slug:code>/returns/<str:number>/", TakeReturnView.as_view(), name="take-return"),
]
