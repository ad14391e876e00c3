"""Payment gateways. The shop ships with a test gateway that needs no outside service.

Set the ``PAYMENT_GATEWAY`` environment variable (setting ``OMNISHOP_PAYMENT_GATEWAY``) to the
dotted path of another class with the same ``name`` and ``charge()`` to plug a real provider in.
"""

from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string
from oscar.apps.payment.exceptions import UnableToTakePayment


class TestGateway:
    """Approves every payment and returns a reference; no money moves."""

    name = "Test payment"

    def charge(self, *, order_number: str, amount: Decimal, currency: str) -> str:
        return f"TEST-{order_number}"


class DecliningTestGateway(TestGateway):
    """Declines every payment, for trying the failure path."""

    def charge(self, *, order_number: str, amount: Decimal, currency: str) -> str:
        raise UnableToTakePayment(
            "Your payment was declined by the test gateway. Nothing was charged."
        )


def gateway():
    return import_string(settings.OMNISHOP_PAYMENT_GATEWAY)()
