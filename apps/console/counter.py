"""The counter in the store console: the till and returns (thin views over apps.instore)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views import View
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from apps.instore import selectors, services
from apps.inventory.selectors import availability, product_matches
from apps.inventory.services import StockError

from .views import StoreConsoleMixin

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")


class SaleView(StoreConsoleMixin, TemplateView):
    """Scan or search products, see what this store can sell, record the sale."""

    template_name = "console/sale.html"

    @property
    def session_key(self):
        return f"console_sale_{self.store.pk}"

    def cart(self) -> dict[int, int]:
        return {int(k): v for k, v in self.request.session.get(self.session_key, {}).items()}

    def save_cart(self, cart):
        self.request.session[self.session_key] = {str(k): v for k, v in cart.items() if v > 0}

    def get_context_data(self, **kwargs):
        query = self.search_query()
        found = []
        if query:
            found = list(Product.objects.filter(product_matches(query)).order_by("title")[:20])
        cart = self.cart()
        in_cart = list(Product.objects.filter(pk__in=cart).order_by("title"))
        units = availability(products=found + in_cart, locations=[self.store])
        return super().get_context_data(
            query=query,
            found=[(p, units.at(p, self.store)) for p in found],
            cart=[(p, cart[p.pk], units.at(p, self.store)) for p in in_cart],
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        query = self.search_query()
        exact = Product.objects.filter(upc__iexact=query).first() if query else None
        if exact is not None:  # a scanned barcode goes straight into the sale
            cart = self.cart()
            cart[exact.pk] = cart.get(exact.pk, 0) + 1
            self.save_cart(cart)
            return redirect("console:sale", code=self.store.code)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        cart = self.cart()
        action = request.POST.get("action")
        if action in ("add", "remove"):
            product = Product.objects.filter(pk=_number(request.POST.get("product"))).first()
            if product is None:
                messages.error(request, "No such product: scan or search again.")
                return redirect("console:sale", code=self.store.code)
            product_id = product.pk
            cart[product_id] = max(cart.get(product_id, 0) + (1 if action == "add" else -1), 0)
            self.save_cart(cart)
        elif action == "complete":
            try:
                customer, email = services.customer_for_sale(request.POST.get("customer", ""))
                order = services.sell(
                    location=self.store,
                    quantities=cart,
                    by=request.user,
                    customer=customer,
                    customer_email=email,
                )
            except (StockError, services.InstoreError) as exc:
                messages.error(request, str(exc))
                return redirect("console:sale", code=self.store.code)
            self.save_cart({})
            messages.success(request, f"Sale recorded as order #{order.number}.")
            return redirect("console:order", code=self.store.code, number=order.number)
        return redirect("console:sale", code=self.store.code)


class ReturnsView(StoreConsoleMixin, TemplateView):
    """Find any order (web, collect or in-store) by number or the customer's e-mail or phone,
    and take lines back."""

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
        return super().get_context_data(query=query, orders=orders, **kwargs)


class TakeReturnView(StoreConsoleMixin, View):
    def post(self, request, code, number):
        order = get_object_or_404(Order, number=number)
        quantities = {}
        for line in order.lines.all():
            value = request.POST.get(f"line-{line.pk}", "").strip()
            if value and value != "0":
                try:
                    quantities[line.pk] = int(value)
                except ValueError:
                    messages.error(request, f"{value!r} is not a number of units.")
                    return redirect(f"{reverse('console:returns', args=[code])}?q={number}")
        try:
            refund = services.take_return(
                location=self.store,
                order=order,
                quantities=quantities,
                by=request.user,
                damaged=request.POST.get("damaged") == "on",
                reason=request.POST.get("reason", ""),
            )
        except services.InstoreError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Return recorded for order #{order.number}: refund {refund} {order.currency}.",
            )
        return redirect(f"{reverse('console:returns', args=[code])}?q={order.number}")


def _number(text) -> int:
    """A posted id as a number (0, which names nothing, for anything else)."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 else 0


urlpatterns = [
    path("<slug:code>/sale/", SaleView.as_view(), name="sale"),
    path("<slug:code>/returns/", ReturnsView.as_view(), name="returns"),
    path("<slug:code>/returns/<str:number>/", TakeReturnView.as_view(), name="take-return"),
]
