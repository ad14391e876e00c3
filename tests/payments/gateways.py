"""Gateways for the payment tests: the test gateway, with one step that fails at the provider,
and a log of what it was asked, so a test can say what reached the card."""

from oscar.apps.payment.exceptions import GatewayError

from apps.checkout.payment import TestGateway

#: Every call the gateways below received: (step, amount or None, key or None).
CALLS: list[tuple] = []


class RecordingGateway(TestGateway):
    """The test gateway, remembering each step it was asked for."""

    def authorize(self, *, order_number, amount, currency, payment_method=""):
        CALLS.append(("authorize", amount, None))
        return super().authorize(
            order_number=order_number, amount=amount, currency=currency, payment_method=""
        )

    def capture(self, *, reference, amount, currency, key):
        CALLS.append(("capture", amount, key))
        return super().capture(reference=reference, amount=amount, currency=currency, key=key)

    def void(self, *, reference, key):
        CALLS.append(("void", None, key))
        return super().void(reference=reference, key=key)

    def refund(self, *, reference, amount, currency, key):
        CALLS.append(("refund", amount, key))
        return super().refund(reference=reference, amount=amount, currency=currency, key=key)


class CaptureFailsGateway(RecordingGateway):
    """The provider is unreachable (or refuses) when the money is to be taken."""

    def capture(self, *, reference, amount, currency, key):
        CALLS.append(("capture failed", amount, key))
        raise GatewayError("the card provider did not answer")

    def refund(self, *, reference, amount, currency, key):
        CALLS.append(("refund failed", amount, key))
        raise GatewayError("the card provider did not answer")


class VoidFailsGateway(RecordingGateway):
    """The provider is unreachable when a hold is to be released."""

    def void(self, *, reference, key):
        CALLS.append(("void failed", None, key))
        raise GatewayError("the card provider did not answer")
