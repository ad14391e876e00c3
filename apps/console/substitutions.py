"""Console: staff withdraw a substitute still waiting for the shopper's answer (the order must
be made ready now); the missing units are then not supplied."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views import View

from apps.pickup import substitutions

from .views import StoreConsoleMixin


class WithdrawView(StoreConsoleMixin, View):
    def post(self, request, code, number, pk):
        order = self.get_order()
        offer = get_object_or_404(order.substitutions, pk=pk)
        try:
            substitutions.withdraw(offer=offer, by=request.user)
        except substitutions.SubstitutionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"Offer withdrawn: {offer.line.title} is not supplied on this order."
            )
        return redirect("console:order", code=code, number=number)


urlpatterns = [
    path(
        "<slug:code>/orders/<str:number>/substitutions/<int:pk>/withdraw/",
        WithdrawView.as_view(),
        name="withdraw-substitute",
    ),
]
