from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView, View

from apps.inventory import holds
from apps.inventory.selectors import holds_on
from apps.stores.hours import opening_status, ready_time
from apps.stores.models import Store
from apps.stores.my_store import choose_store
from apps.stores.selectors import find_stores


class StoreSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="City, postcode or store name")
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)


class StoreListView(TemplateView):
    """The store locator: search by text or by the browser's location, nearest first."""

    template_name = "stores/store_list.html"

    def get_context_data(self, **kwargs):
        form = StoreSearchForm(self.request.GET or None)
        results = []
        if form.is_valid():
            data = form.cleaned_data
            near = (
                (data["lat"], data["lng"])
                if data["lat"] is not None and data["lng"] is not None
                else None
            )
            results = find_stores(query=data["q"], near=near, limit=20)
        elif not self.request.GET:
            results = find_stores(limit=50)
        return super().get_context_data(form=form, results=results, **kwargs)


class StoreDetailView(TemplateView):
    template_name = "stores/store_detail.html"

    def get_context_data(self, **kwargs):
        store = get_object_or_404(
            Store.objects.filter(is_active=True).prefetch_related("opening_hours", "closed_days"),
            code=self.kwargs["code"],
        )
        return super().get_context_data(
            store=store,
            status=opening_status(store),
            ready_at=ready_time(store) if store.click_and_collect else None,
            **kwargs,
        )


class ChooseStoreView(View):
    """POST: make this store "my store" (session, and profile when signed in)."""

    def post(self, request, code):
        store = get_object_or_404(Store.objects.filter(is_active=True), code=code)
        choose_store(request, store)
        if holds_on() and store.click_and_collect and request.basket.pk:
            # Flash-sale mode: what the basket held at the old store is held here instead.
            holds.move_to(basket=request.basket, location=store, user=request.user)
        messages.success(request, f"{store.name} is now your store.")
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("stores:detail", args=[store.code])
        return redirect(next_url)
