"""The shopper's account card page: a QR code the till scans to attach a sale to the account."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from . import cards


class AccountCardView(LoginRequiredMixin, TemplateView):
    template_name = "oscar/customer/account_card.html"

    def get_context_data(self, **kwargs):
        token = cards.card_token(self.request.user)
        return super().get_context_data(
            page_title="Account card",
            active_tab="account-card",
            card_token=token,
            # segno's SVG of our own signed token: nothing a visitor typed is in it.
            card_qr=mark_safe(cards.qr_svg(token)),
            **kwargs,
        )
