"""Order states, and what may be done to a pickup order in each: the one table the pickup
services check, the console shows as buttons and the API lists as ``actions``.

Pickup orders: placed -> picking -> ready for collection -> collected (or cancelled / not
collected). Till sales are completed when placed; delivery orders keep Oscar's own steps.
"""

#: A collect order whose stock is on its way to the store (ship to store): not picked yet.
AWAITING_TRANSFER = "Awaiting transfer"
PLACED = "Placed"
PICKING = "Picking"
READY = "Ready for collection"
COLLECTED = "Collected"
NOT_COLLECTED = "Not collected"
CANCELLED = "Cancelled"
DISPATCHED = "Dispatched"
COMPLETED = "Completed"  # an in-store sale, paid and handed over at the till

#: Every state a pickup order can be in, in the order it goes through them.
PICKUP_STATUSES = (AWAITING_TRANSFER, PLACED, PICKING, READY, COLLECTED, NOT_COLLECTED, CANCELLED)

#: Orders the customer has: what a counter may take back.
RETURNABLE = (COLLECTED, COMPLETED, DISPATCHED)

#: A pickup order still to be handed over: its code opens a handover, the store has work to do.
OPEN_PICKUP = (AWAITING_TRANSFER, PLACED, PICKING, READY)

PIPELINE = {
    AWAITING_TRANSFER: (PLACED, CANCELLED),
    PLACED: (PICKING, DISPATCHED, CANCELLED),
    PICKING: (READY, CANCELLED),
    READY: (COLLECTED, NOT_COLLECTED, CANCELLED),
    COLLECTED: (),
    NOT_COLLECTED: (),
    CANCELLED: (),
    DISPATCHED: (),
    COMPLETED: (),
}

#: Each pickup action and the states it may start from. The staff's actions come first, in
#: the order the console shows them; "arrived" and "extend" (keep it longer) are the shopper's,
#: "remind" the clock's.
PICKUP_ACTIONS = {
    "start-picking": (PLACED,),
    "picked": (PICKING,),
    "short-pick": (PICKING,),
    "ready": (PICKING,),
    "hand-over": (READY,),
    "resend-ready": (READY,),
    "not-collected": (READY,),
    "cancel": OPEN_PICKUP,
    "arrived": (READY,),
    "extend": (READY,),
    "remind": (READY,),
}
STAFF_ACTIONS = (
    "start-picking",
    "picked",
    "short-pick",
    "ready",
    "hand-over",
    "resend-ready",
    "not-collected",
    "cancel",
)


def staff_actions(status: str) -> tuple[str, ...]:
    """The staff actions open to a pickup order in this state, in the console's order."""
    return tuple(action for action in STAFF_ACTIONS if status in PICKUP_ACTIONS[action])
