"""Reads for routing: what a policy needs, in three queries whatever the basket and the number
of stores, and the route it answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db.models import F, Value
from django.utils import timezone
from oscar.core.loading import get_model

from apps.inventory.selectors import held_units, holds_on
from apps.order import statuses
from apps.stores import directory
from apps.stores.models import Location

from .models import RouteLeadTime, RoutingDecision
from .policies import Policy, Route, Stock, current_policy

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


def stock_for(
    quantities: Mapping[int, int],
    *,
    destination: Location | None = None,
    titles: Mapping[int, str] | None = None,
    now: dt.datetime | None = None,
    holder=None,
) -> Stock:
    """Available to sell of these products at every active location (one query), the lead
    times of the routes into ``destination`` (one) and the products' titles (one, unless
    given). With flash-sale holds on, units held for baskets other than ``holder`` are not
    for sale (as checkout's stock lock counts them)."""
    locations = [loc for loc in directory.locations() if loc.is_active]
    by_partner = {loc.partner_id: loc for loc in locations}
    # Only the rows with something for sale, without joining the locations: their safety
    # buffers come from the process's copy of them (``directory``). A 10-line basket across
    # 500 stores reads 5,000 narrow rows at most (bench/routing.py).
    rows = StockRecord.objects.filter(
        product_id__in=list(quantities), num_in_stock__gt=F("num_allocated")
    )
    if holds_on():
        rows = rows.annotate(held=held_units(holder=holder, now=now))
    else:
        rows = rows.annotate(held=Value(0))
    units = {}
    for product_id, partner_id, on_hand, allocated, held in rows.values_list(
        "product_id", "partner_id", "num_in_stock", "num_allocated", "held"
    ):
        location = by_partner.get(partner_id)
        if location is not None:
            free = on_hand - allocated - location.safety_buffer - held
            units[product_id, location.pk] = max(0, free)
    lead_days = {}
    if destination is not None:
        lead_days = {
            (source_id, destination_id): days
            for source_id, destination_id, days in RouteLeadTime.objects.filter(
                destination_id=destination.pk
            ).values_list("source_id", "destination_id", "days")
        }
    if titles is None:
        titles = dict(Product.objects.filter(pk__in=list(quantities)).values_list("pk", "title"))
    return Stock(
        units=units,
        locations=locations,
        lead_days=lead_days,
        titles=dict(titles),
        now=now or timezone.now(),
    )


def route_to_store(
    store: Location,
    quantities: Mapping[int, int],
    *,
    policy: Policy | None = None,
    titles: Mapping[int, str] | None = None,
    now: dt.datetime | None = None,
    holder=None,
) -> Route | None:
    """How the policy in use would fill a basket collected at ``store`` (None: it cannot);
    ``holder``: the basket, whose own flash-sale holds are its to have."""
    if not quantities:
        return None
    policy = policy or current_policy()
    stock = stock_for(quantities, destination=store, titles=titles, now=now, holder=holder)
    return policy.to_store(store, quantities, stock)


def route_for_delivery(
    quantities: Mapping[int, int], *, policy: Policy | None = None, now=None, holder=None
) -> Route | None:
    if not quantities:
        return None
    policy = policy or current_policy()
    return policy.for_delivery(quantities, stock_for(quantities, now=now, holder=holder))


def decisions_of(order) -> list[RoutingDecision]:
    """The order's routing decisions, part by part, with their locations and transfers."""
    return list(
        RoutingDecision.objects.filter(order=order).select_related("location", "source", "transfer")
    )


def incoming_orders(store: Location):
    """Orders waiting for their stock to arrive at the store, with the transfers bringing it."""
    return list(
        RoutingDecision.objects.filter(
            location=store, transfer__isnull=False, order__status=statuses.AWAITING_TRANSFER
        )
        .select_related("order", "transfer", "source")
        .order_by("ready_by", "pk")
    )
