from tests.pickup.test_reports import manager, two_days  # noqa: F401  (two days at Leeds)
