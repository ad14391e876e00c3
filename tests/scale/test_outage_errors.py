"""Which database errors mean "the database is away, try again" (503) and which are bugs (500)."""

import sqlite3

import psycopg
import pytest
from django.db import IntegrityError, InterfaceError, OperationalError
from django.test import RequestFactory

from config.errors import is_database_outage, server_error, service_unavailable


def django_error(kind, cause):
    """A database error as Django raises it: its own class, the driver's error as the cause."""
    try:
        raise kind(str(cause)) from cause
    except kind as exc:
        return exc


@pytest.mark.parametrize(
    "cause",
    [
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
        psycopg.OperationalError("consuming input failed: server closed the connection"),
        psycopg.errors.TooManyConnections("sorry, too many clients already"),
        psycopg.errors.DeadlockDetected("deadlock detected"),
        psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
    ],
)
def test_a_lost_or_busy_postgresql_is_an_outage(cause):
    assert is_database_outage(django_error(OperationalError, cause))


def test_a_closed_connection_is_an_outage():
    assert is_database_outage(InterfaceError("connection already closed"))


def test_errors_in_the_query_or_the_data_are_not_outages():
    missing = sqlite3.OperationalError("no such table: order_order")
    assert not is_database_outage(django_error(OperationalError, missing))
    duplicate = psycopg.errors.UniqueViolation("duplicate key value")
    assert not is_database_outage(django_error(IntegrityError, duplicate))
    assert not is_database_outage(ValueError("not a database error"))


def test_the_api_is_answered_in_its_error_shape_with_retry_after():
    response = service_unavailable(RequestFactory().post("/api/checkout/collect/"))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    assert b'"code": "service_unavailable"' in response.content


@pytest.mark.django_db
def test_an_outage_outside_any_view_asks_the_shopper_to_try_again():
    """``handler500``: the database gone while the session or the basket is read, before a
    view, is a 503 with Retry-After too; any other error stays Django's 500."""
    lost = django_error(OperationalError, psycopg.errors.AdminShutdown("terminating connection"))
    request = RequestFactory().get("/basket/")
    try:
        raise lost
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert b"Please try again" in response.content
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500
