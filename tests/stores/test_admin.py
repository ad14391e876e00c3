"""Merchandisers open a store in Django admin: its partner is created with it, hours inline."""

from django.urls import reverse
from oscar.core.loading import get_model

from apps.stores.models import Location, StoreStaff
from apps.stores.selectors import find_stores
from tests.factories import UserFactory

Partner = get_model("partner", "Partner")


def inline(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{key}": value for key, value in row.items()})
    return data


def test_a_new_store_gets_its_partner_and_opening_hours(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = {
        "code": "york",
        "name": "Omnishop York",
        "kind": "store",
        "is_active": "on",
        "city": "York",
        "postcode": "YO1 7HH",
        "country": "GB",
        "latitude": "53.96",
        "longitude": "-1.08",
        "timezone": "Europe/London",
        "click_and_collect": "on",
        "lead_time_minutes": "90",
        "holding_days": "5",
        "safety_buffer": "0",
        **inline(
            "opening_hours",
            [{"weekday": str(day), "opens": "09:00", "closes": "17:00"} for day in range(7)],
        ),
        **inline("closed_days", []),
        **inline("staff_roles", []),
    }
    response = client.post(reverse("admin:stores_location_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    store = Location.objects.get(code="york")
    assert store.partner == Partner.objects.get(code="york")
    assert store.partner.name == "Omnishop York" and store.opening_hours.count() == 7
    assert [r.store.code for r in find_stores(query="York")] == ["york"]
    assert not StoreStaff.objects.exists()
    edit = client.get(reverse("admin:stores_location_change", args=[store.pk])).content.decode()
    assert 'name="code"' not in edit  # the code is fixed once the store exists
