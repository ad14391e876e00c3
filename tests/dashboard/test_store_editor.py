"""Merchandisers open and change stores in the dashboard, opening hours and closed days too."""

import datetime as dt

from django.urls import reverse
from oscar.core.loading import get_model

from apps.stores.models import Location, StoreStaff
from apps.stores.selectors import find_stores
from tests.factories import StoreStaffFactory, UserFactory

Partner = get_model("partner", "Partner")

STORE = {
    "code": "bath",
    "name": "Omnishop Bath",
    "is_active": "on",
    "line1": "1 Milsom Street",
    "city": "Bath",
    "postcode": "BA1 1BZ",
    "country": "GB",
    "latitude": "51.38",
    "longitude": "-2.36",
    "timezone": "Europe/London",
    "click_and_collect": "on",
    "lead_time_minutes": "60",
    "holding_days": "5",
    "safety_buffer": "1",
    "slot_minutes": "60",
}


def formset(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{key}": value for key, value in row.items()})
    return data


WEEK = [{"weekday": str(day), "opens": "09:00", "closes": "17:30"} for day in range(6)]
STORE.update(formset("windows", []))  # no pickup windows: pickup times follow the hours


def test_a_merchandiser_sets_a_picking_rate_and_pickup_windows(merchandiser, shop):
    data = {
        **STORE,
        "pickups_per_hour": "12",
        "slot_minutes": "30",
        **formset("hours", WEEK),
        **formset("windows", [{"weekday": "5", "starts": "10:00", "ends": "12:00"}]),
        **formset("closed", []),
        **formset("staff", []),
    }
    assert merchandiser.post(reverse("dashboard:store-create"), data).status_code == 302
    store = Location.objects.get(code="bath")
    assert (store.pickups_per_hour, store.slot_minutes) == (12, 30)
    assert str(store.pickup_windows.get()) == "Saturday 10:00-12:00"
    backwards = [{"weekday": "5", "starts": "12:00", "ends": "10:00"}]
    response = merchandiser.post(
        reverse("dashboard:store-create"),
        {**data, "code": "wells", **formset("windows", backwards)},
    )
    assert response.status_code == 400
    assert "A pickup window must end after it starts." in response.content.decode()
    assert not Location.objects.filter(code="wells").exists()


def test_a_merchandiser_opens_a_store_with_its_hours_and_a_closed_day(merchandiser):
    page = merchandiser.get(reverse("dashboard:store-create")).content.decode()
    assert page.count('value="09:00"') == 7  # a week's hours offered to start from
    data = {
        **STORE,
        **formset("hours", WEEK),
        **formset("closed", [{"date": "2026-12-25", "reason": "Christmas"}]),
        **formset("staff", []),
    }
    response = merchandiser.post(reverse("dashboard:store-create"), data)
    assert response.status_code == 302
    store = Location.objects.get(code="bath")
    assert store.partner == Partner.objects.get(code="bath")
    assert store.opening_hours.count() == 6  # closed on Sundays
    assert store.closed_days.get().date == dt.date(2026, 12, 25)
    assert [r.store.code for r in find_stores(query="Bath")] == ["bath"]


def test_hours_that_close_before_they_open_are_refused_and_nothing_is_saved(merchandiser):
    bad = [{"weekday": "0", "opens": "18:00", "closes": "09:00"}]
    data = {**STORE, **formset("hours", bad), **formset("closed", []), **formset("staff", [])}
    response = merchandiser.post(reverse("dashboard:store-create"), data)
    assert response.status_code == 400
    assert "The store must close after it opens." in response.content.decode()
    assert not Location.objects.filter(code="bath").exists()


def test_a_stores_hours_are_changed_and_its_code_stays(merchandiser, shop):
    leeds = shop["leeds"]
    hours = list(leeds.opening_hours.order_by("weekday"))
    rows = [
        {"id": str(h.pk), "weekday": str(h.weekday), "opens": "10:00", "closes": "16:00"}
        for h in hours
    ]
    data = {
        **{k: v for k, v in STORE.items() if k != "code"},
        "name": "Omnishop Leeds",
        "code": "something-else",
        **formset("hours", rows, initial=len(rows)),
        **formset("closed", []),
        **formset("staff", []),
    }
    response = merchandiser.post(reverse("dashboard:store-edit", args=["leeds"]), data)
    assert response.status_code == 302
    leeds.refresh_from_db()
    assert leeds.code == "leeds"
    assert {(h.opens, h.closes) for h in leeds.opening_hours.all()} == {(dt.time(10), dt.time(16))}


def test_store_staff_cannot_open_or_change_stores(shop, client):
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    assert client.get(reverse("dashboard:store-create")).status_code == 403
    assert client.get(reverse("dashboard:store-edit", args=["leeds"])).status_code == 403


def test_a_code_whose_partner_belongs_to_another_location_is_refused(merchandiser, shop):
    Partner.objects.filter(code="leeds").update(code="bath")  # Leeds's partner now has "bath"
    data = {**STORE, **formset("hours", WEEK), **formset("closed", []), **formset("staff", [])}
    response = merchandiser.post(reverse("dashboard:store-create"), data)
    assert response.status_code == 400
    assert "already belongs to another location: choose another code." in response.content.decode()
    assert not Location.objects.filter(code="bath").exists()


def test_staff_are_given_a_role_at_a_store_by_their_e_mail(merchandiser, shop, client):
    sam = UserFactory(email="sam@example.com")
    UserFactory(email="kim@example.com")
    data = {
        **STORE,
        **formset("hours", WEEK),
        **formset("closed", []),
        **formset("staff", [{"email": "SAM@example.com", "role": "manager"}]),
    }
    assert merchandiser.post(reverse("dashboard:store-create"), data).status_code == 302
    assert StoreStaff.objects.get(user=sam).role == "manager"
    client.force_login(sam)
    assert client.get(reverse("console:reports", args=["bath"])).status_code == 200

    merchandiser.force_login(UserFactory(is_staff=True, is_superuser=True))
    unknown = {**data, **formset("staff", [{"email": "nobody@example.com", "role": "associate"}])}
    response = merchandiser.post(reverse("dashboard:store-edit", args=["bath"]), unknown)
    assert response.status_code == 400
    assert "No account has this e-mail: they sign up first." in response.content.decode()
    twice = {
        **data,
        **formset(
            "staff",
            [{"email": "kim@example.com", "role": "associate"}] * 2,
        ),
    }
    response = merchandiser.post(reverse("dashboard:store-edit", args=["bath"]), twice)
    assert "Each person is listed once, with one role." in response.content.decode()

    again = {**data, **formset("staff", [{"email": "sam@example.com", "role": "associate"}])}
    response = merchandiser.post(reverse("dashboard:store-edit", args=["bath"]), again)
    assert "Already on this store" in response.content.decode()
    assert StoreStaff.objects.get(user=sam).role == "manager"
