"""Consent: off until the customer says yes, and every change kept with its time and source."""

import pytest

from apps.profiles import consent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_consent_is_off_for_a_new_customer():
    user = UserFactory()
    assert consent.current(user) == {"email": False, "sms": False, "personalisation": False}
    assert not consent.granted(user, "email")
    assert not consent.granted(user, "sms")
    assert not consent.granted(user, "personalisation")


def test_anonymous_visitors_and_closed_accounts_never_count_as_consenting():
    from django.contrib.auth.models import AnonymousUser

    user = UserFactory()
    consent.record(user=user, channel="personalisation", granted=True, source="account")
    assert consent.granted(user, "personalisation")
    user.is_active = False
    assert not consent.granted(user, "personalisation")
    assert not consent.granted(AnonymousUser(), "personalisation")
    assert not consent.granted(None, "email")


def test_a_changed_consent_appears_in_the_history_with_its_source():
    user = UserFactory()
    assert consent.record(user=user, channel="email", granted=True, source="checkout")
    assert consent.record(user=user, channel="email", granted=False, source="unsubscribe")
    assert consent.record(user=user, channel="sms", granted=True, source="till")

    changes = [(c.channel, c.granted, c.source) for c in consent.history(user)]
    assert changes == [
        ("sms", True, "till"),
        ("email", False, "unsubscribe"),
        ("email", True, "checkout"),
    ]
    assert consent.granted(user, "sms") and not consent.granted(user, "email")
    assert all(c.at is not None for c in consent.history(user))


def test_the_same_answer_again_records_nothing():
    user = UserFactory()
    assert not consent.record(user=user, channel="email", granted=False, source="account")
    consent.record(user=user, channel="email", granted=True, source="account")
    assert not consent.record(user=user, channel="email", granted=True, source="checkout")
    assert consent.history(user).count() == 1


def test_an_unknown_channel_or_source_is_refused_with_its_name():
    user = UserFactory()
    with pytest.raises(ValueError, match="post"):
        consent.granted(user, "post")
    with pytest.raises(ValueError, match="phone-call"):
        consent.record(user=user, channel="email", granted=True, source="phone-call")
