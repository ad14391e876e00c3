"""Sign-in lockout (django-axes): wrong passwords for one account from one address lock that
pair out, with a page that says why and for how long; everyone else signs in as before."""

import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from django.http import HttpRequest
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "secret-pass-123"


@pytest.fixture
def ann(db):
    return UserFactory(email="ann@example.com", password=PASSWORD)


def shop_login(client, email, password, **extra):
    return client.post(
        reverse("customer:login"),
        {"login-username": email, "login-password": password, "login_submit": "1"},
        **extra,
    )


def test_five_wrong_passwords_lock_the_account_out_with_a_clear_page(ann, client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert shop_login(client, "ann@example.com", "wrong").status_code == 200
    locked = shop_login(client, "ann@example.com", "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many sign-in attempts" in page
    assert "After 5 wrong passwords" in page and "Try again in 15 minutes" in page
    # Now even the right password is refused, and nobody is signed in.
    assert shop_login(client, "ann@example.com", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_ignores_how_the_email_is_typed(ann, client):
    for typed in ["ann@example.com", "ANN@example.com", " Ann@Example.com", "ann@EXAMPLE.COM"]:
        shop_login(client, typed, "wrong")
    assert shop_login(client, "Ann@example.com ", "wrong").status_code == 429


def test_other_accounts_and_other_addresses_are_not_locked(ann, client):
    bob = UserFactory(email="bob@example.com", password=PASSWORD)
    for _ in range(5):
        shop_login(client, "ann@example.com", "wrong")
    assert shop_login(client, "bob@example.com", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)
    other = shop_login(client, "ann@example.com", PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(ann, client):
    for _ in range(4):
        shop_login(client, "ann@example.com", "wrong")
    assert shop_login(client, "ann@example.com", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert shop_login(client, "ann@example.com", "wrong").status_code == 200


def test_staff_sign_in_to_the_admin_is_locked_out_too(db, client):
    UserFactory(email="merch@example.com", password=PASSWORD, is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "merch@example.com", "password": "wrong"})
    response = client.post(url, {"username": "merch@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()


def test_a_sign_in_without_a_request_is_refused_so_none_escapes_the_count(ann, client):
    """Code that authenticates must pass the request, or the lockout could not count it."""
    with pytest.raises(AxesBackendRequestParameterRequired):
        client.login(username="ann@example.com", password=PASSWORD)
    assert client.login(request=HttpRequest(), username="ann@example.com", password=PASSWORD)
