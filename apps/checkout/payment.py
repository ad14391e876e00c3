"""Payment gateways: what the shop asks of a card provider, and the providers it ships with.

An order's card payment is authorised when it is placed and captured when its goods leave
(handed over at the store, or dispatched), voided when it is called off, refunded after a
return. ``order_payment`` records each step on the order; a gateway only talks to the provider.

``PAYMENT_GATEWAY`` (setting ``OMNISHOP_PAYMENT_GATEWAY``) names the class: the offline
``TestGateway`` by default, ``StripeGateway`` (with ``STRIPE_SECRET_KEY``) for real cards.
A decline is ``UnableToTakePayment`` (its message is for the shopper); a provider that fails or
refuses a step is ``GatewayError``. See docs/payments.md.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from oscar.apps.payment.exceptions import GatewayError, UnableToTakePayment


@dataclass(frozen=True)
class Authorisation:
    """Money set aside on the shopper's card: the provider's reference for it, and a label
    the shopper recognises ("visa ending 4242")."""

    reference: str
    label: str = ""


class PaymentGateway(abc.ABC):
    """A card provider. Every call names the order; ``key`` makes a retried call (after a
    lost answer) the same call at the provider, never a second charge or refund."""

    #: The payment's name on the order, the checkout and the console.
    name: str = ""
    #: Does the shopper's card reach the shop as a payment method id (Stripe Elements on the
    #: web, the app through the API)? The test gateways need none.
    needs_payment_method = False

    @abc.abstractmethod
    def authorize(
        self, *, order_number: str, amount: Decimal, currency: str, payment_method: str = ""
    ) -> Authorisation:
        """Set ``amount`` aside on the card, charging nothing (UnableToTakePayment: declined)."""

    @abc.abstractmethod
    def capture(self, *, reference: str, amount: Decimal, currency: str, key: str) -> str:
        """Charge ``amount`` (at most what was authorised) and release the rest, once."""

    @abc.abstractmethod
    def void(self, *, reference: str, key: str) -> str:
        """Release everything authorised: the shopper is charged nothing."""

    @abc.abstractmethod
    def refund(self, *, reference: str, amount: Decimal, currency: str, key: str) -> str:
        """Pay ``amount`` of a captured payment back to the card."""


class TestGateway(PaymentGateway):
    """Approves every step and returns references; no money moves and nothing leaves the
    machine, so the demo and the tests work offline."""

    name = "Test payment"

    def authorize(self, *, order_number, amount, currency, payment_method=""):
        return Authorisation(reference=f"TEST-{order_number}", label="test card")

    def capture(self, *, reference, amount, currency, key):
        return f"{reference}-CAPTURE"

    def void(self, *, reference, key):
        return f"{reference}-VOID"

    def refund(self, *, reference, amount, currency, key):
        return f"{reference}-REFUND-{key}"


class DecliningTestGateway(TestGateway):
    """Declines every payment at authorisation, for trying the failure path."""

    def authorize(self, *, order_number, amount, currency, payment_method=""):
        raise UnableToTakePayment(
            "Your payment was declined by the test gateway. Nothing was charged."
        )


#: Currencies Stripe counts in whole units, no minor unit (Stripe's documentation of amounts).
ZERO_DECIMAL = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga"}
    | {"pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
)


def minor_units(amount: Decimal, currency: str) -> int:
    """An amount as Stripe counts it: pence for GBP (12.34 -> 1234), yen as they are."""
    if currency.lower() in ZERO_DECIMAL:
        return int(amount.quantize(Decimal("1")))
    return int((amount * 100).quantize(Decimal("1")))


class StripeGateway(PaymentGateway):
    """Stripe PaymentIntents with ``capture_method="manual"``, through Stripe's own library.

    authorize creates and confirms a PaymentIntent with the shopper's PaymentMethod (``pm_...``
    from Stripe Elements or the app); capture takes part or all of it (Stripe releases the
    rest), void cancels it, refund refunds part of a captured one. Each call carries an
    idempotency key, so a retry after a lost answer is the same operation at Stripe."""

    name = "Card (Stripe)"
    needs_payment_method = True

    def __init__(self, client=None):
        import stripe

        key = settings.STRIPE_SECRET_KEY
        if client is None and not key:
            raise ImproperlyConfigured(
                "PAYMENT_GATEWAY is the Stripe gateway but STRIPE_SECRET_KEY is not set."
            )
        self.stripe = stripe
        self.client = client or stripe.StripeClient(key, max_network_retries=2)

    def _call(self, step: str, call, *args, **kwargs):
        """One request to Stripe; its errors as the shop's payment errors."""
        try:
            return call(*args, **kwargs)
        except self.stripe.StripeError as exc:
            raise self._refusal(step, exc) from exc

    def _refusal(self, step: str, exc) -> Exception:
        if isinstance(exc, self.stripe.CardError):
            return UnableToTakePayment(
                exc.user_message or "Your card was declined. Nothing was charged."
            )
        message = exc.user_message or getattr(exc.error, "message", None) or str(exc)
        return GatewayError(f"Stripe could not {step} the payment: {message}")

    def authorize(self, *, order_number, amount, currency, payment_method=""):
        if not payment_method:
            raise UnableToTakePayment("Enter your card details: no card was given.")
        intent = self._call(
            "authorise",
            self.client.v1.payment_intents.create,
            params={
                "amount": minor_units(amount, currency),
                "currency": currency.lower(),
                "payment_method": payment_method,
                "payment_method_types": ["card"],
                "capture_method": "manual",
                "confirm": True,
                "description": f"Omnishop order {order_number}",
                "metadata": {"order_number": order_number},
            },
            # The card is part of the key: a retry with the same card is the same request, a
            # second try with another card (after a decline) is a new one.
            options={"idempotency_key": f"omnishop-{order_number}-authorize-{payment_method}"},
        )
        if intent.status != "requires_capture":
            # 3-D Secure (requires_action) or anything else we cannot finish on the server.
            self._call(
                "cancel",
                self.client.v1.payment_intents.cancel,
                intent.id,
                options={"idempotency_key": f"omnishop-{order_number}-authorize-undo-{intent.id}"},
            )
            raise UnableToTakePayment(
                "Your bank asked to confirm this payment in a way the shop cannot offer yet. "
                "Nothing was charged: try another card."
            )
        return Authorisation(reference=intent.id)

    def capture(self, *, reference, amount, currency, key):
        intent = self._call(
            "capture",
            self.client.v1.payment_intents.capture,
            reference,
            params={"amount_to_capture": minor_units(amount, currency)},
            options={"idempotency_key": key},
        )
        if intent.status != "succeeded":
            raise GatewayError(f"Stripe left payment {reference} {intent.status}, not captured.")
        return intent.latest_charge or intent.id

    def void(self, *, reference, key):
        try:
            intent = self.client.v1.payment_intents.cancel(
                reference,
                params={"cancellation_reason": "abandoned"},
                options={"idempotency_key": key},
            )
        except self.stripe.StripeError as exc:
            lapsed = getattr(getattr(exc, "error", None), "payment_intent", None)
            if getattr(lapsed, "status", None) == "canceled":
                return reference  # Stripe cancels a hold not captured in 7 days: voided already
            raise self._refusal("void", exc) from exc
        return intent.id

    def refund(self, *, reference, amount, currency, key):
        refund = self._call(
            "refund",
            self.client.v1.refunds.create,
            params={"payment_intent": reference, "amount": minor_units(amount, currency)},
            options={"idempotency_key": key},
        )
        if refund.status in ("failed", "canceled"):
            raise GatewayError(f"Stripe {refund.status} the refund {refund.id}.")
        return refund.id


def gateway() -> PaymentGateway:
    """The configured gateway (``PAYMENT_GATEWAY``)."""
    return import_string(settings.OMNISHOP_PAYMENT_GATEWAY)()
