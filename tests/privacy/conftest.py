import pytest


@pytest.fixture(autouse=True)
def private_exports(settings, tmp_path):
    """Export archives go to a throw-away folder, never the developer's var/."""
    settings.PRIVACY_EXPORT_ROOT = str(tmp_path / "private-exports")
    return tmp_path / "private-exports"
