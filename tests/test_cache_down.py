"""With the cache's Redis down, the shop still answers: public pages and the read-only API
(whose anonymous throttle keeps its counts in the cache) serve without it, orders are still
placed, and the outage is logged."""

import logging

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from config import cache as fail_soft
from tests.factories import UserFactory

#: Nothing listens on port 1: every cache call fails to connect.
DEAD_REDIS = "redis://127.0.0.1:1/15"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    fail_soft.FailSoftRedisCacheClient._last_logged = 0.0


def test_public_pages_and_api_answer_and_the_outage_is_logged(shop, client, redis_down, caplog):
    with caplog.at_level(logging.ERROR, logger="config.cache"):
        pages = [
            "/",
            "/catalogue/",
            shop["lamp"].get_absolute_url(),
            "/stores/",
            "/api/products/",
            f"/api/products/{shop['lamp'].pk}/?store=leeds",
            "/api/stores/?q=Leeds",
            "/api/stores/leeds/",
        ]
        answers = {url: client.get(url).status_code for url in pages}
    assert answers == dict.fromkeys(pages, 200)
    assert "cache unavailable, answering without it" in caplog.text
    assert caplog.text.count("cache unavailable") == 1  # logged once, not on every request


def test_orders_are_still_placed(shop, redis_down, django_capture_on_commit_callbacks):
    api = APIClient()
    api.force_authenticate(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            reverse("api:checkout-collect"),
            {"store": "leeds", "lines": [{"upc": "LAMP-1", "quantity": 1}]},
            format="json",
        )
    assert response.status_code == 201, response.content


def test_a_cache_that_answers_is_used(settings):
    """The fallbacks are only for an outage: with a working cache the values come back."""
    from django.core.cache import cache

    cache.set("omnishop-test-key", "kept", 30)
    assert cache.get("omnishop-test-key") == "kept"
