from urllib.parse import parse_qs

import pytest

from tests.factories import StoreStaffFactory

from . import gateways


@pytest.fixture(autouse=True)
def recording_gateway(settings):
    """Every test here pays through the recording test gateway; ``gateways.CALLS`` says what
    reached the card."""
    gateways.CALLS.clear()
    settings.OMNISHOP_PAYMENT_GATEWAY = "tests.payments.gateways.RecordingGateway"
    return gateways.CALLS


@pytest.fixture
def gateway_down(settings):
    """The provider fails when asked to capture or refund."""
    settings.OMNISHOP_PAYMENT_GATEWAY = "tests.payments.gateways.CaptureFailsGateway"


@pytest.fixture
def void_down(settings):
    """The provider fails when asked to release a hold."""
    settings.OMNISHOP_PAYMENT_GATEWAY = "tests.payments.gateways.VoidFailsGateway"


@pytest.fixture
def staff(shop):
    return StoreStaffFactory(location=shop["leeds"]).user


# --- Stripe's recorded answers (cassettes/, replayed by vcrpy through pytest-recording) -------


def form_body(sent, recorded):
    """The same parameters, however they are ordered (Stripe's form encoding)."""
    assert parse_qs(_text(sent.body)) == parse_qs(_text(recorded.body))


def idempotency_key(sent, recorded):
    assert sent.headers.get("Idempotency-Key") == recorded.headers.get("Idempotency-Key")


def _text(body) -> str:
    return body.decode() if isinstance(body, bytes) else body or ""


def pytest_recording_configure(config, vcr):
    vcr.register_matcher("form_body", form_body)
    vcr.register_matcher("idempotency_key", idempotency_key)


@pytest.fixture(scope="module")
def vcr_config():
    """Replay only: a request the cassette does not hold fails instead of going out (this
    machine cannot reach Stripe), and each request must match the recorded one in full."""
    return {
        "record_mode": "none",
        "match_on": ["method", "uri", "form_body", "idempotency_key"],
        "filter_headers": ["authorization"],
    }
