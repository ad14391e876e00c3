"""Routing's writes, inside ``checkout.services.place_order``'s transaction: lock and promise
a route's units where the policy took them, plan the transfers that bring them to the store,
and record which rule picked which location for which lines and why. Then, when a transfer
arrives, the units it brought are promised to the order at the store and the order goes to
picking; an order called off before that gives its units back wherever they are.

Ship to store, step by step (the order's lines promise their units throughout):

1. placed: units promised at the source under the transfer's reference (never offered to
   anyone else); the order is ``Awaiting transfer``, out of the store's picking queue;
2. the source ships the transfer: the promised units leave with it (``ship_transfer``);
3. the store receives it: what arrived for the order is promised to it there and the order is
   ``Placed``, in the picking queue like any other (``on_transfer_received``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from apps.inventory import services as stock
from apps.inventory.models import Transfer
from apps.order import statuses
from apps.stores.models import Location

from .models import RoutingDecision
from .policies import SHELF, Route
from .signals import units_lost

Order = get_model("order", "Order")


class RouteRefused(Exception):
    """The route cannot be placed as it is (several parts, or no longer the same)."""


def lock_stock(*, route: Route, holder=None) -> None:
    """Lock and check every source's rows, locations in id order (so two routed checkouts
    over the same locations cannot deadlock); raises InsufficientStock, nothing written.
    Units held for baskets other than ``holder`` (flash-sale holds) cannot be had."""
    if not route.placeable:
        raise RouteRefused("This basket would come in several parts: that is not offered yet.")
    sources = sorted(route.parts[0].sources, key=lambda s: s.location.pk)
    for source in sources:
        stock.lock_available(
            location=source.location,
            quantities=source.quantities,
            floor=source.floor,
            holder=holder,
        )


def order_fields(route: Route) -> dict:
    """What a routed order is created with: one waiting for a transfer is not picked yet, and
    is promised for when its units can have arrived."""
    if not route.moves_stock:
        return {}
    return {"status": statuses.AWAITING_TRANSFER, "ready_by": route.ready_by}


@transaction.atomic
def allocate(*, order, route: Route, by=None) -> list[RoutingDecision]:
    """Promise a just-placed order's units where the route takes them: the store's shelf, or
    a source, under a transfer planned to the store now; record each decision."""
    part = route.parts[0]
    lines = list(order.lines.all())
    decisions = []
    for source in part.sources:
        mine = {line: line.quantity for line in lines if line.product_id in source.quantities}
        transfer = None
        if source.location.pk == part.location.pk:
            stock.allocate_lines(order=order, location=source.location, lines=mine, by=by)
        else:
            transfer = stock.create_transfer(
                source=source.location,
                destination=part.location,
                quantities=dict(source.quantities),
                by=by,
                note=f"Ship to store: order {order.number}",
            )
            stock.allocate_lines(
                order=order, location=source.location, lines=mine, by=by, transfer=transfer
            )
        decisions.append(
            _decision(order, route, 1, part.location, source, mine, transfer, part.ready_by)
        )
    return RoutingDecision.objects.bulk_create(decisions)


def _decision(order, route, number, location, source, lines, transfer, ready_by):
    return RoutingDecision(
        order=order,
        part=number,
        policy=route.policy,
        rule=source.rule,
        location=location,
        source=source.location,
        lines=[
            {"line": line.pk, "product": line.product_id, "title": line.title, "units": units}
            for line, units in lines.items()
        ],
        reason=source.reason[:255],
        transfer=transfer,
        lead_days=source.lead_days,
        ready_by=ready_by,
    )


def record(*, order, location: Location, route: Route | None = None) -> list[RoutingDecision]:
    """Record why an order placed without moving stock takes its units where it does: its
    route's reasons, or (an order whose channel chose the location: the till, the API, a
    store with everything) that location's."""
    lines = {line: line.quantity for line in order.lines.all()}
    if route is not None:
        part = route.parts[0]
        return RoutingDecision.objects.bulk_create(
            _decision(
                order,
                route,
                1,
                part.location,
                source,
                {line: n for line, n in lines.items() if line.product_id in source.quantities},
                None,
                order.ready_by,
            )
            for source in part.sources
        )
    if order.channel == Order.Channel.STORE:
        rule, reason = "till", f"Sold at the till at {location.name}"
    elif order.pickup_location_id:
        rule, reason = SHELF, f"Collected at {location.name}, which had everything"
    else:
        rule, reason = "warehouse", f"Sent from {location.name}"
    return [
        RoutingDecision.objects.create(
            order=order,
            policy="channel",
            rule=rule,
            location=location,
            source=location,
            lines=[
                {"line": line.pk, "product": line.product_id, "title": line.title, "units": n}
                for line, n in lines.items()
            ],
            reason=reason,
            ready_by=order.ready_by,
        )
    ]


def on_transfer_received(sender, *, transfer: Transfer, by=None, **kwargs) -> None:
    """Inside the receipt's transaction: the units that arrived for an order waiting for them
    are promised to it at the store, and once all its transfers are in it goes to picking."""
    decisions = list(
        RoutingDecision.objects.select_for_update()
        .filter(transfer=transfer, arrived_at__isnull=True)
        .order_by("order_id", "pk")
    )
    if not decisions:
        return
    arrived = {line.product_id: line.quantity_received or 0 for line in transfer.lines.all()}
    now = timezone.now()
    for decision in decisions:
        order = Order.objects.select_for_update(of=("self",)).get(pk=decision.order_id)
        decision.arrived_at = now
        decision.save(update_fields=["arrived_at"])
        if order.status != statuses.AWAITING_TRANSFER:
            continue  # called off on the way: the units arrived unpromised, on sale there
        ids = {entry["line"] for entry in decision.lines}
        lines, missing = {}, {}
        for line in order.lines.filter(pk__in=ids).order_by("pk"):
            units = min(line.num_allocated, arrived.get(line.product_id, 0))
            arrived[line.product_id] = arrived.get(line.product_id, 0) - units
            lines[line] = units
            if units < line.num_allocated:
                missing[line] = line.num_allocated - units
        stock.allocate_arrived(order=order, transfer=transfer, lines=lines, by=by)
        waiting = RoutingDecision.objects.filter(
            order=order, transfer__isnull=False, arrived_at__isnull=True
        ).exists()
        if not waiting:
            order.set_status(statuses.PLACED)
        if missing:
            units_lost.send(sender=Order, order=order, missing=missing, transfer=transfer, by=by)


@transaction.atomic
def cancel_waiting(*, order, by=None, note: str = "") -> None:
    """Call off an order still waiting for its transfers: units on the store's shelf back on
    sale there, units still at a source back on sale there (the transfer, carrying nothing
    else, is cancelled), units on the road arrive unpromised, on sale at the store."""
    lines = {line.pk: line for line in order.lines.all()}
    for decision in RoutingDecision.objects.filter(order=order).select_related(
        "transfer", "location"
    ):
        mine = {
            lines[entry["line"]]: lines[entry["line"]].num_allocated
            for entry in decision.lines
            if entry["line"] in lines and lines[entry["line"]].num_allocated
        }
        if not mine:
            continue
        if decision.transfer_id is None or decision.arrived_at is not None:
            stock.release_lines(
                order=order, location=decision.location, lines=mine, by=by, note=note
            )
            continue
        # The transfer is locked only while it has not shipped (its shipment then waits, or
        # has gone): a receipt in progress holds it and waits for this order's lock, so
        # taking the transfer's here would deadlock. The receipt then finds the order off.
        transfer = Transfer.objects.select_related("source", "destination").get(
            pk=decision.transfer_id
        )
        if transfer.state == Transfer.State.CREATED:
            transfer = (
                Transfer.objects.select_for_update(of=("self",))
                .select_related("source", "destination")
                .get(pk=transfer.pk)
            )
        if transfer.state == Transfer.State.CREATED:
            stock.release_for_transfer(order=order, transfer=transfer, lines=mine, by=by, note=note)
            stock.cancel_transfer(transfer=transfer, by=by)
        elif transfer.state == Transfer.State.SHIPPED:
            stock.forget_in_transit(lines=mine)
        else:  # received meanwhile: what arrived is promised at the store
            stock.release_lines(
                order=order, location=decision.location, lines=mine, by=by, note=note
            )
