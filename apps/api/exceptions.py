"""One shape for every error the API answers (drf-standardized-errors), and our services'
refusals as statuses:

    {"type": "validation_error" | "client_error" | "server_error",
     "errors": [{"code": "...", "detail": "...", "attr": "field" | null}]}

- 400: the request does not match the schema (a type, a bound, a missing field);
- 422: it matches, but cannot be done: an id that names nothing, a rule between fields, a
  refusal of the shop's rules (a wrong pickup code, an order that cannot be returned);
- 409: the order or the stock is not in a state that allows it (``wrong_state``,
  ``insufficient_stock`` with ``product`` and ``available``);
- 402: the payment was declined; 429: too many tries or requests; 401/403/404 as usual;
- 503 with ``Retry-After``: the database was lost mid-request; nothing was saved, try again.

A refusal of ours is not rolled back here on purpose: the service that refuses has already
undone its own work, and a refused pickup code must stay recorded for the attempt limit.
"""

from drf_standardized_errors.formatter import ExceptionFormatter
from drf_standardized_errors.handler import ExceptionHandler
from oscar.apps.payment.exceptions import PaymentError
from rest_framework import exceptions, status
from rest_framework.exceptions import ErrorDetail

from apps.checkout.services import CheckoutRefused
from apps.instore.services import InstoreError
from apps.inventory.services import InsufficientStock, StockError
from apps.pickup.services import PickupError, TooManyAttempts, WrongCode, WrongState
from apps.pickup.substitutions import AnswerRefused
from config.errors import RETRY_AFTER_SECONDS, TRY_AGAIN, is_database_outage

#: (exception class, HTTP status, machine-readable code), most specific first.
REFUSALS = [
    (WrongState, status.HTTP_409_CONFLICT, "wrong_state"),
    (AnswerRefused, status.HTTP_409_CONFLICT, "offer_closed"),
    (WrongCode, status.HTTP_422_UNPROCESSABLE_ENTITY, "wrong_code"),
    (TooManyAttempts, status.HTTP_429_TOO_MANY_REQUESTS, "too_many_attempts"),
    (PickupError, status.HTTP_422_UNPROCESSABLE_ENTITY, "refused"),
    (InstoreError, status.HTTP_422_UNPROCESSABLE_ENTITY, "refused"),
    (CheckoutRefused, status.HTTP_422_UNPROCESSABLE_ENTITY, "refused"),
    (PaymentError, status.HTTP_402_PAYMENT_REQUIRED, "payment_declined"),
    (InsufficientStock, status.HTTP_409_CONFLICT, "insufficient_stock"),
    (StockError, status.HTTP_422_UNPROCESSABLE_ENTITY, "refused"),
]

#: Validation codes that mean "well formed, but it cannot be done": the schema cannot say them
#: (whether an id exists, a rule between two fields), so they answer 422, not 400.
UNPROCESSABLE = {
    "does_not_exist",
    "invalid_choice",
    "incomplete",
    "date_span",
    "date_out_of_range",
    "invalid_address",
    "invalid_phone",
    "invalid_slot",
    "overflow",  # a well-formed time with no UTC equivalent (0001-01-01T00:00+05:00)
}


class Refused(exceptions.APIException):
    """One of our services' refusals, with the status and code ``REFUSALS`` give it."""

    def __init__(self, original: Exception, http_status: int, code: str):
        super().__init__(detail=str(original), code=code)
        self.status_code = http_status
        self.original = original


class DatabaseUnavailable(exceptions.APIException):
    """The database was lost while answering: nothing was saved (the request's transaction
    is gone with the connection), so the same request can be sent again."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"
    default_detail = TRY_AGAIN
    wait = RETRY_AFTER_SECONDS  # answered as Retry-After


class Unprocessable(exceptions.ValidationError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


def unprocessable(message: str, code: str = "incomplete") -> ErrorDetail:
    """A validation message the schema cannot express (answered 422, see ``UNPROCESSABLE``)."""
    return ErrorDetail(message, code=code)


def _codes(detail) -> set[str]:
    if isinstance(detail, dict):
        return set().union(*(_codes(value) for value in detail.values()))
    if isinstance(detail, list):
        return set().union(*(_codes(value) for value in detail))
    return {getattr(detail, "code", "invalid")}


class ErrorHandler(ExceptionHandler):
    def convert_known_exceptions(self, exc):
        for kind, http_status, code in REFUSALS:
            if isinstance(exc, kind):
                return Refused(exc, http_status, code)
        if is_database_outage(exc):
            return DatabaseUnavailable()
        if isinstance(exc, exceptions.ValidationError) and not isinstance(exc, Unprocessable):
            codes = _codes(exc.detail)
            if codes and codes <= UNPROCESSABLE:
                return Unprocessable(exc.detail)
        return super().convert_known_exceptions(exc)

    def set_rollback(self):
        if not isinstance(self.exc, tuple(kind for kind, _, _ in REFUSALS)):
            super().set_rollback()


class ErrorFormatter(ExceptionFormatter):
    def get_errors(self):
        errors = super().get_errors()
        if isinstance(self.original_exc, InsufficientStock):
            errors[0].product = self.original_exc.product.pk
            errors[0].available = self.original_exc.available
        return errors

    def format_error_response(self, error_response):
        return {
            "type": error_response.type,
            "errors": [dict(vars(error)) for error in error_response.errors],
        }
