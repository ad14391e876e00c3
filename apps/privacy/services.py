"""Customers' data rights: an export of everything held about a person, erasure, the
retention purge, and the audit log that records each (never the personal data itself)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import salted_hmac
from oscar.core.loading import get_model

from apps.instore.models import CounterReturn, TillSale
from apps.pickup.models import PickupEvent

from . import selectors
from .models import AuditEntry, ExportArchive
from .selectors import CLOSED, Person

Order = get_model("order", "Order")
OrderNote = get_model("order", "OrderNote")
ShippingAddress = get_model("order", "ShippingAddress")
BillingAddress = get_model("order", "BillingAddress")
Email = get_model("communication", "Email")
ProductAlert = get_model("customer", "ProductAlert")
ProductReview = get_model("reviews", "ProductReview")

#: What a personal free-text value becomes where the row itself must stay.
ERASED = "[erased]"
#: Keys of a pickup event's detail that hold what a person typed or was called.
PERSONAL_DETAIL_KEYS = ("note", "collected_by", "typed")


class PrivacyError(Exception):
    """A request about a person's data that cannot be carried out (the message says why)."""


class ErasureRefused(PrivacyError):
    pass


class NoSuchPerson(PrivacyError):
    pass


# --- audit log ------------------------------------------------------------------------------


def subject_ref(email: str) -> str:
    """A keyed hash of the e-mail address: the same person gives the same reference, which
    cannot be turned back into the address without the site's secret key."""
    return salted_hmac("apps.privacy.subject", (email or "").strip().lower()).hexdigest()


def audit(*, kind: str, via: str, who: Person | None, by=None, detail: dict | None = None):
    actor = ""
    if by is not None and getattr(by, "is_authenticated", False):
        is_self = who is not None and who.user is not None and who.user.pk == by.pk
        actor = "customer" if is_self else f"staff #{by.pk}"
    elif via == AuditEntry.Via.COMMAND:
        actor = "operator"
    return AuditEntry.objects.create(
        kind=kind,
        via=via,
        actor_id=getattr(by, "pk", None),
        actor=actor,
        subject_user_id=who.user.pk if who and who.user else None,
        subject_ref=subject_ref(who.email) if who and who.email else "",
        detail=detail or {},
    )


# --- export ---------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return str(value)


def write_archive(who: Person, target) -> dict[str, int]:
    """Write the person's zip archive to ``target`` (a path or file): ``data.json`` with every
    kind of record, and one CSV per kind. Returns the number of rows of each kind."""
    rows = selectors.export_rows(who)
    document = {
        "exported_at": timezone.now(),
        "shop": settings.OSCAR_SHOP_NAME,
        "email": who.email,
        **rows,
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
        for kind, items in rows.items():
            out = io.StringIO()
            columns = list(dict.fromkeys(key for item in items for key in item))
            writer = csv.writer(out)
            writer.writerow(columns)
            for item in items:
                writer.writerow([_cell(item.get(column)) for column in columns])
            archive.writestr(f"{kind}.csv", out.getvalue())
    return {kind: len(items) for kind, items in rows.items()}


def export_to_file(*, email: str, output: str | Path, via: str, by=None) -> dict[str, int]:
    """The command's export: the archive written to ``output``, recorded in the audit log."""
    who = selectors.person(email)
    if "@" not in (email or ""):
        raise NoSuchPerson(f"{email!r} is not an e-mail address.")
    if not selectors.exists(who):
        raise NoSuchPerson(f"No account and no order has the e-mail address {email!r}.")
    counts = write_archive(who, output)
    audit(kind=AuditEntry.Kind.EXPORT, via=via, who=who, by=by, detail={"rows": counts})
    return counts


def archive_storage() -> FileSystemStorage:
    """Where export archives wait for their download: outside MEDIA_ROOT, never served."""
    return FileSystemStorage(location=settings.PRIVACY_EXPORT_ROOT)


def request_export(*, user) -> ExportArchive:
    """A customer asked for their data: an archive to build (on Celery, by ``build_export``).
    An export already being prepared is returned instead of a second one."""
    lost = timezone.now() - dt.timedelta(hours=1)  # a build never run (broker down) is retried
    pending = ExportArchive.objects.filter(
        user=user, state=ExportArchive.State.PENDING, created_at__gte=lost
    ).first()
    return pending or ExportArchive.objects.create(user=user)


def build_export(*, archive_id: int) -> ExportArchive | None:
    """Build a pending archive into private storage; ready to download until it expires."""
    with transaction.atomic():
        archive = (
            ExportArchive.objects.select_for_update()
            .select_related("user")
            .filter(pk=archive_id, state=ExportArchive.State.PENDING)
            .first()
        )
        if archive is None:
            return None  # built already, or the account is gone
        who = selectors.person_of(archive.user)
        buffer = io.BytesIO()
        counts = write_archive(who, buffer)
        now = timezone.now()
        name = archive_storage().save(
            f"{archive.user_id}/export-{archive.pk}-{now:%Y%m%d%H%M%S}.zip",
            ContentFile(buffer.getvalue()),
        )
        archive.file_name = name
        archive.size = len(buffer.getvalue())
        archive.state = ExportArchive.State.READY
        archive.ready_at = now
        archive.expires_at = now + dt.timedelta(hours=settings.PRIVACY_EXPORT_LINK_HOURS)
        archive.save()
        audit(
            kind=AuditEntry.Kind.EXPORT,
            via=AuditEntry.Via.ACCOUNT,
            who=who,
            by=archive.user,
            detail={"rows": counts},
        )
    return archive


def delete_export_files(archives) -> int:
    storage = archive_storage()
    deleted = 0
    for archive in archives:
        if archive.file_name and storage.exists(archive.file_name):
            storage.delete(archive.file_name)
            deleted += 1
    return deleted


def delete_expired_exports(*, now: dt.datetime | None = None) -> int:
    """Delete the archives whose link has expired (the file and its contents); how many."""
    now = now or timezone.now()
    expired = list(
        ExportArchive.objects.filter(state=ExportArchive.State.READY, expires_at__lte=now)
    )
    delete_export_files(expired)
    ExportArchive.objects.filter(pk__in=[a.pk for a in expired]).update(
        state=ExportArchive.State.EXPIRED, file_name=""
    )
    return len(expired)


# --- erasure --------------------------------------------------------------------------------


def _identifiers(who: Person, orders) -> list[str]:
    """What names the person in free text: e-mail, full name, phones as stored and as typed."""
    found = {who.email}
    if who.user is not None:
        found.add(who.user.get_full_name())
        phone = getattr(getattr(who.user, "profile", None), "phone", None)
        if phone:
            found.update({str(phone), phone.as_national})
    for order in orders:
        found.update({order.pickup_name, order.pickup_phone, order.guest_email})
    return sorted((value for value in found if value and len(value.strip()) > 2), key=len)[::-1]


def _redact(text: str, identifiers: list[str]) -> str:
    lowered = text.lower()
    for value in identifiers:
        start = lowered.find(value.lower())
        while start != -1:
            text = text[:start] + ERASED + text[start + len(value) :]
            lowered = text.lower()
            start = lowered.find(value.lower(), start + len(ERASED))
    return text


def _blank_addresses(model, ids) -> int:
    fields = dict.fromkeys(selectors.ADDRESS_FIELDS, "")
    if model is ShippingAddress:
        fields.update(phone_number="", notes="")
    return model.objects.filter(pk__in=ids).update(search_text="", **fields)


def _scrub_pickup_events(events, identifiers=()) -> int:
    changed = []
    for event in events:
        detail = dict(event.detail or {})
        for key, value in detail.items():
            if key in PERSONAL_DETAIL_KEYS and value:
                detail[key] = ""
            elif isinstance(value, str) and identifiers:
                detail[key] = _redact(value, identifiers)
        if detail != event.detail:
            event.detail = detail
            changed.append(event)
    PickupEvent.objects.bulk_update(changed, ["detail"])
    return len(changed)


def erase(*, email: str, via: str, by=None) -> dict[str, int]:
    """Remove or anonymise everything that names the person, in every channel, in one
    transaction; the orders, their lines, taxes and money stay (the accounts need them), with
    nobody's name on them. Refused (ErasureRefused, nothing changed) while an order is open."""
    who = selectors.person(email)
    if "@" not in (email or ""):
        raise NoSuchPerson(f"{email!r} is not an e-mail address.")
    if not selectors.exists(who):
        raise NoSuchPerson(f"No account and no order has the e-mail address {email!r}.")
    with transaction.atomic():
        if who.user is not None:  # no order can join the account while it is being erased
            get_user_model().objects.select_for_update().filter(pk=who.user.pk).first()
        orders = list(selectors.orders_of(who).select_for_update(of=("self",)))
        still_open = [o.number for o in orders if o.status not in CLOSED]
        if not still_open:
            # Logged first: the account's id is gone once the account is deleted.
            entry = audit(kind=AuditEntry.Kind.ERASURE, via=via, who=who, by=by)
            entry.detail = _erase(who, orders)
            entry.save(update_fields=["detail"])
            return entry.detail
    audit(
        kind=AuditEntry.Kind.ERASURE_REFUSED,
        via=via,
        who=who,
        by=by,
        detail={"open": len(still_open)},
    )
    raise ErasureRefused(
        f"Order{'s' if len(still_open) > 1 else ''} {', '.join(still_open)} "
        f"{'are' if len(still_open) > 1 else 'is'} still open (not yet collected, dispatched or "
        "cancelled): the data can be erased once it has ended."
    )


def _erase(who: Person, orders: list) -> dict[str, int]:
    identifiers = _identifiers(who, orders)
    ids = [o.pk for o in orders]
    counts = {"orders": len(ids)}
    counts["order_addresses"] = _blank_addresses(
        ShippingAddress, [o.shipping_address_id for o in orders if o.shipping_address_id]
    ) + _blank_addresses(
        BillingAddress, [o.billing_address_id for o in orders if o.billing_address_id]
    )
    Order.objects.filter(pk__in=ids).update(
        user=None, guest_email="", pickup_name="", pickup_phone="", pickup_code=None
    )
    counts["pickup_events"] = _scrub_pickup_events(
        PickupEvent.objects.filter(order_id__in=ids), identifiers
    )
    counts["till_sales"] = TillSale.objects.filter(order_id__in=ids).update(receipt_email="")
    notes = list(OrderNote.objects.filter(order_id__in=ids))
    for note in notes:
        note.message = _redact(note.message, identifiers)
    OrderNote.objects.bulk_update(notes, ["message"])
    for item in CounterReturn.objects.filter(order_id__in=ids).exclude(reason=""):
        if _redact(item.reason, identifiers) != item.reason:
            CounterReturn.objects.filter(pk=item.pk).update(
                reason=_redact(item.reason, identifiers)
            )
    mail = Q(email__iexact=who.email)
    counts["emails"] = Email.objects.filter(mail | Q(user=who.user) if who.user else mail).delete()[
        0
    ]
    ProductAlert.objects.filter(mail | Q(user=who.user) if who.user else mail).delete()
    ProductReview.objects.filter(mail | Q(user=who.user) if who.user else mail).delete()
    _forget_sign_ins(who.email)
    for entry in LogEntry.objects.filter(object_repr__icontains=who.email):
        LogEntry.objects.filter(pk=entry.pk).update(object_repr=ERASED)
    if who.user is not None:
        delete_export_files(who.user.data_exports.all())
        # The account goes, and with it (cascade) its profile and phone, consents and their
        # history, address book, e-mail and notification history, baskets, wish lists, alerts,
        # API tokens, the preferred store and any other row that is only about the account.
        who.user.delete()
        counts["account"] = 1
    return counts


def _forget_sign_ins(email: str) -> None:
    """django-axes keeps the username typed at each sign-in (here the e-mail address)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=email).delete()


# --- retention ------------------------------------------------------------------------------


def _ended_before(cutoff: dt.datetime):
    """Orders that ended (their last change of state, or their sale) before ``cutoff``."""
    return (
        Order.objects.filter(status__in=CLOSED)
        .annotate(ended=Coalesce(Max("status_changes__date_created"), "date_placed"))
        .filter(ended__lt=cutoff)
    )


@transaction.atomic
def purge_retained(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete what is kept only while an order is under way, once it has ended long enough ago:
    arrival notes, collectors' names at handover and pickup codes after
    ``PRIVACY_PICKUP_RETENTION_DAYS``; a guest order's contact details (e-mail, collector's
    name and phone, addresses, till receipt e-mail) after ``PRIVACY_RETENTION_DAYS``."""
    now = now or timezone.now()
    pickup_cutoff = now - dt.timedelta(days=settings.PRIVACY_PICKUP_RETENTION_DAYS)
    contact_cutoff = now - dt.timedelta(days=settings.PRIVACY_RETENTION_DAYS)

    ended = _ended_before(pickup_cutoff).values("pk")
    codes = Order.objects.filter(pk__in=ended, pickup_code__isnull=False).update(pickup_code=None)
    events = PickupEvent.objects.filter(order_id__in=ended).filter(
        Q(kind=PickupEvent.Kind.ARRIVED)
        | Q(kind=PickupEvent.Kind.HANDED_OVER)
        | Q(kind=PickupEvent.Kind.WRONG_CODE)
    )
    notes = _scrub_pickup_events(events.exclude(detail={}))

    guests = list(
        _ended_before(contact_cutoff)
        .filter(user__isnull=True)
        .filter(
            ~Q(guest_email="")
            | ~Q(pickup_name="")
            | ~Q(pickup_phone="")
            | Q(till_sale__receipt_email__gt="")
            | Q(shipping_address__isnull=False, shipping_address__search_text__gt="")
            | Q(billing_address__isnull=False, billing_address__search_text__gt="")
        )
        .values_list("pk", "shipping_address_id", "billing_address_id")
    )
    ids = [pk for pk, _s, _b in guests]
    _blank_addresses(ShippingAddress, [s for _p, s, _b in guests if s])
    _blank_addresses(BillingAddress, [b for _p, _s, b in guests if b])
    Order.objects.filter(pk__in=ids).update(guest_email="", pickup_name="", pickup_phone="")
    TillSale.objects.filter(order_id__in=ids).update(receipt_email="")
    counts = {"pickup_codes": codes, "pickup_notes": notes, "guest_orders": len(ids)}
    if any(counts.values()):
        audit(kind=AuditEntry.Kind.RETENTION, via=AuditEntry.Via.SCHEDULE, who=None, detail=counts)
    return counts
