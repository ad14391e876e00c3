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
def staff(shop):
    return StoreStaffFactory(location=shop["leeds"]).user
