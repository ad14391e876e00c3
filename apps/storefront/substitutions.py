"""The shopper's answer to a substitute offered for a short-picked item, by the signed link in
the e-mail and text (no sign-in: the link is the key). The page shows the missing item and the
substitute with their prices; only a POST answers, and only once."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from apps.pickup import substitutions

ANSWERS = {"accept": True, "decline": False}
DONE = {
    True: "Thank you: {product} is on your order. We will tell you when it is ready to collect.",
    False: "Understood: {missing} is off your order and you will not pay for it.",
}


@method_decorator(never_cache, name="dispatch")
class SubstitutionView(View):
    template_name = "omnishop/substitution.html"

    def offer(self, token):
        try:
            return substitutions.offer_for_token(token)
        except substitutions.BadLink as exc:
            raise Http404(str(exc)) from exc

    def get(self, request, token):
        offer = self.offer(token)
        substitutions.expire_due(order=offer.order)  # an offer past its time reads as expired
        offer.refresh_from_db()
        return render(
            request,
            self.template_name,
            {
                "offer": offer,
                "order": offer.order,
                "store": offer.order.pickup_location,
                "closed": "" if offer.is_open else substitutions.closed_message(offer),
            },
        )

    def post(self, request, token):
        offer = self.offer(token)
        choice = request.POST.get("answer", "")
        if choice not in ANSWERS:
            messages.error(request, "Choose Accept or Decline.")
            return redirect(request.path)
        try:
            substitutions.answer(offer=offer, accept=ANSWERS[choice])
        except substitutions.SubstitutionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                DONE[ANSWERS[choice]].format(
                    product=offer.product.get_title(), missing=offer.line.title
                ),
            )
        return redirect(request.path)
