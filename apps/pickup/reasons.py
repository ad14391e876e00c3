"""Why staff short-pick a line, cancel an order or mark it not collected: a short list to choose
from and a free-text note, recorded with the event (``detail``: ``reason_code``, ``reason`` (the
label), ``note``) so the timeline, the dashboard and the reports say why.

The shopper is told only the words in ``FOR_SHOPPER`` (``detail["for_shopper"]``): never a
"suspected fraud", never staff's note.

A reason the list does not know (the API's ``reason`` was free text before the list) is kept as
"Other" with the text as its note.
"""

from __future__ import annotations

OTHER = "other"

SHORT_PICK = {
    "damaged": "Damaged",
    "missing": "Not on the shelf",
    "stock-wrong": "Stock count was wrong",
    "expired": "Past its date",
    OTHER: "Other",
}
CANCEL = {
    "customer-asked": "Customer asked to cancel",
    "cannot-pick": "Cannot be picked",
    "payment": "Payment problem",
    "suspected-fraud": "Suspected fraud",
    "store-closed": "Store cannot open",
    OTHER: "Other",
}
NOT_COLLECTED = {
    "no-show": "Customer did not come",
    "refused": "Customer refused the items",
    "unreachable": "Customer could not be reached",
    OTHER: "Other",
}
#: Recorded when the holding days end with no one having marked the order (the hourly sweep).
HOLDING_OVER = {
    "reason_code": "holding-over",
    "reason": "Holding days over",
    "note": "",
    "for_shopper": "",
}
#: Recorded when a short pick leaves nothing to pick (the order is cancelled with it).
NOTHING_LEFT = {
    "reason_code": "cannot-pick",
    "reason": "Nothing left to pick",
    "note": "",
    "for_shopper": "we could not pick it",
}
#: Recorded when the shopper cancels online.
BY_SHOPPER = {
    "reason_code": "customer-asked",
    "reason": "The customer cancelled online",
    "note": "",
    "for_shopper": "you cancelled it",
}
#: What the shopper's message may say of a reason (nothing for the others).
FOR_SHOPPER = {
    "damaged": "damaged",
    "missing": "not in stock",
    "stock-wrong": "not in stock",
    "expired": "past its date",
    "customer-asked": "as you asked",
    "cannot-pick": "we could not pick it",
    "payment": "a payment problem",
    "store-closed": "the store cannot open",
}

FOR_ACTION = {"short-pick": SHORT_PICK, "cancel": CANCEL, "not-collected": NOT_COLLECTED}
#: The longest note kept with a reason.
NOTE_MAX = 200


class ReasonRefused(ValueError):
    """A reason that cannot be recorded (none chosen, "Other" without a note, a note too long)."""


def choices(action: str) -> list[tuple[str, str]]:
    return list(FOR_ACTION[action].items())


def detail(action: str, reason: str = "", note: str = "", *, required: bool = False) -> dict:
    """The event's ``detail`` for a reason code (or free text) and a note."""
    reason, note = (reason or "").strip(), (note or "").strip()
    listed = FOR_ACTION[action]
    if len(note) > NOTE_MAX:
        raise ReasonRefused(f"Keep the note to {NOTE_MAX} characters.")
    if not reason:
        if required:
            raise ReasonRefused("Choose a reason.")
        return {"reason_code": "", "reason": "", "note": note, "for_shopper": ""} if note else {}
    if reason not in listed:  # free text from an older client
        if len(reason) > NOTE_MAX:
            raise ReasonRefused(f"Keep the reason to {NOTE_MAX} characters.")
        reason, note = OTHER, f"{reason}: {note}" if note else reason
    if reason == OTHER and not note:
        raise ReasonRefused('Say what happened: "Other" needs a note.')
    return {
        "reason_code": reason,
        "reason": listed[reason],
        "note": note,
        "for_shopper": FOR_SHOPPER.get(reason, ""),
    }


def for_shopper(detail: dict) -> str:
    """What the shopper may read of an event's reason: the safe words, or for an event recorded
    before the list, its free text."""
    if "for_shopper" in detail:
        return detail["for_shopper"]
    return detail.get("reason", "")


def summary(detail: dict) -> str:
    """ "Damaged: box crushed", for ledger notes and messages."""
    label, note = detail.get("reason", ""), detail.get("note", "")
    return f"{label}: {note}" if label and note else label or note
