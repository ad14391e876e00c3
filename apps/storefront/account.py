"""The shopper's account pages, beside Oscar's: "I'm here" from a ready pickup order's page."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from oscar.core.loading import get_model

from apps.pickup import services

Order = get_model("order", "Order")


class ArrivedView(LoginRequiredMixin, View):
    def post(self, request, number):
        order = get_object_or_404(Order, number=number, user=request.user)
        try:
            services.announce_arrival(
                order=order, by=request.user, note=request.POST.get("note", "")
            )
        except (services.PickupError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Thanks: the store knows you are here and is on its way.")
        return redirect("customer:order", order_number=number)


def login_name(request, credentials=None) -> str:
    """The account a sign-in attempt is for, as django-axes counts failures: the e-mail as
    typed in any sign-in form, case and spaces ignored (so "Ann@x" and "ann@x " count as one)."""
    name = (credentials or {}).get("username") or ""
    if not name and request is not None:
        name = request.POST.get("login-username") or request.POST.get("username") or ""
    return name.strip().lower()
