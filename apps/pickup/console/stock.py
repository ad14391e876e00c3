"""Store managers' stock page in the console: look a product up, count it, see today's figures."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from apps.inventory import services as stock
from apps.order import statuses
from apps.pickup import services

from .views import StoreConsoleMixin

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")


class CountForm(forms.Form):
    product = forms.IntegerField(widget=forms.HiddenInput)
    counted = forms.IntegerField(min_value=0, label="Counted on the shelf")
    note = forms.CharField(required=False, max_length=200)


class StockView(StoreConsoleMixin, TemplateView):
    template_name = "console/stock.html"

    def check_manager(self):
        if not services.is_manager_of(self.request.user, self.store):
            raise PermissionDenied("Only the store's managers adjust its stock.")

    def get(self, request, *args, **kwargs):
        self.check_manager()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()
        records = []
        if query:
            records = list(
                StockRecord.objects.filter(partner_id=self.store.partner_id)
                .filter(Q(product__upc__iexact=query) | Q(product__title__icontains=query))
                .select_related("product")
                .order_by("product__title")[:30]
            )
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        figures = Order.objects.filter(date_placed__gte=today).aggregate(
            pickups=Count("pk", filter=Q(pickup_location=self.store)),
            sales=Count(
                "pk", filter=Q(channel=Order.Channel.STORE, lines__partner_id=self.store.partner_id)
            ),
        )
        collected = Order.objects.filter(
            pickup_location=self.store,
            status=statuses.COLLECTED,
            pickup_events__kind="handed_over",
            pickup_events__created_at__gte=today,
        ).count()
        return super().get_context_data(
            query=query, records=records, figures={**figures, "collected": collected}, **kwargs
        )

    def post(self, request, *args, **kwargs):
        self.check_manager()
        form = CountForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Enter the number counted (zero or more).")
            return redirect(request.get_full_path())
        product = get_object_or_404(Product, pk=form.cleaned_data["product"])
        try:
            stock.count(
                location=self.store,
                counts={product.pk: form.cleaned_data["counted"]},
                by=request.user,
                note=form.cleaned_data["note"] or "console count",
            )
        except stock.StockError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"{product.get_title()}: on hand set to {form.cleaned_data['counted']}."
            )
        return redirect(f"{request.path}?q={product.upc}")
