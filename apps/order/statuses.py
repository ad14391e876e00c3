"""Order states. Pickup orders: placed -> picking -> ready for collection -> collected."""

PLACED = "Placed"
PICKING = "Picking"
READY = "Ready for collection"
COLLECTED = "Collected"
NOT_COLLECTED = "Not collected"
CANCELLED = "Cancelled"
DISPATCHED = "Dispatched"
COMPLETED = "Completed"  # an in-store sale, paid and handed over at the till

#: A pickup order still to be handed over: its code opens a handover, the store has work to do.
OPEN_PICKUP = (PLACED, PICKING, READY)

PIPELINE = {
    PLACED: (PICKING, DISPATCHED, CANCELLED),
    PICKING: (READY, CANCELLED),
    READY: (COLLECTED, NOT_COLLECTED, CANCELLED),
    COLLECTED: (),
    NOT_COLLECTED: (),
    CANCELLED: (),
    DISPATCHED: (),
    COMPLETED: (),
}
