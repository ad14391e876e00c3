"""Refusals from our services as API answers: a status that says which kind, and the reason.

Not rolled back here on purpose: a service that refuses has already undone its own work, and
a refused pickup code must stay recorded for the rate limit.
"""

from oscar.apps.payment.exceptions import PaymentError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.checkout.services import CheckoutRefused
from apps.instore.services import InstoreError
from apps.inventory.services import InsufficientStock, StockError
from apps.pickup.services import PickupError, TooManyAttempts, WrongCode, WrongState

#: (exception class, HTTP status, machine-readable code), most specific first.
REFUSALS = [
    (WrongState, status.HTTP_409_CONFLICT, "wrong_state"),
    (WrongCode, status.HTTP_400_BAD_REQUEST, "wrong_code"),
    (TooManyAttempts, status.HTTP_429_TOO_MANY_REQUESTS, "too_many_attempts"),
    (PickupError, status.HTTP_400_BAD_REQUEST, "refused"),
    (InstoreError, status.HTTP_400_BAD_REQUEST, "refused"),
    (CheckoutRefused, status.HTTP_400_BAD_REQUEST, "refused"),
    (PaymentError, status.HTTP_402_PAYMENT_REQUIRED, "payment_declined"),
    (InsufficientStock, status.HTTP_409_CONFLICT, "insufficient_stock"),
    (StockError, status.HTTP_400_BAD_REQUEST, "refused"),
]


def exception_handler(exc, context):
    for kind, http_status, code in REFUSALS:
        if isinstance(exc, kind):
            body = {"detail": str(exc), "code": code}
            if isinstance(exc, InsufficientStock):
                body.update(product=exc.product.pk, available=exc.available)
            return Response(body, status=http_status)
    return drf_exception_handler(exc, context)
