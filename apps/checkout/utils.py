import datetime as dt

from oscar.apps.checkout import utils


class CheckoutSessionData(utils.CheckoutSessionData):
    """Oscar's checkout session, plus the store a click-and-collect order goes to. Reading it
    writes nothing: Oscar's starts an empty checkout in the session when it is first read, so
    every visitor's basket page (which asks how the basket will be fulfilled) created a session
    row and sent a session cookie."""

    def __init__(self, request):
        self.request = request

    def _check_namespace(self, namespace):
        data = self.request.session.setdefault(self.SESSION_KEY, {})
        if namespace not in data:
            data[namespace] = {}
            self.request.session.modified = True

    def _flush_namespace(self, namespace):
        self._check_namespace(namespace)
        super()._flush_namespace(namespace)

    def _get(self, namespace, key, default=None):
        return self.request.session.get(self.SESSION_KEY, {}).get(namespace, {}).get(key, default)

    def collect_at(
        self, location_id: int, *, name: str = "", phone: str = "", slot: str = ""
    ) -> None:
        """``slot``: the chosen pickup time's start, ISO 8601 ("" where none was chosen)."""
        self._set("fulfilment", "collect_location_id", location_id)
        self._set("fulfilment", "collector", {"name": name, "phone": phone})
        self._set("fulfilment", "slot", slot)
        self.use_shipping_method("collect-in-store")
        self.reset_shipping_data_for_collect()

    def ship_to_store(self, ships: bool) -> None:
        """Collect at a store once what it lacks has been sent there (``apps.routing``)."""
        self._set("fulfilment", "ship_to_store", ships)

    def ships_to_store(self) -> bool:
        return self._get("fulfilment", "ship_to_store", False)

    def deliver(self) -> None:
        self._unset("fulfilment", "ship_to_store")
        self._unset("fulfilment", "collect_location_id")
        self._unset("shipping", "method_code")
        self._unset("payment", "at_counter")

    def pay(self, *, at_counter: bool = False, card: str = "") -> None:
        """How the shopper pays: at the store's counter, or by card (``card``: the payment
        method id Stripe Elements gave the page, where the gateway needs one)."""
        self._set("payment", "at_counter", at_counter)
        self._set("payment", "card", card)

    def pays_at_counter(self) -> bool:
        return self._get("payment", "at_counter", False)

    def card(self) -> str:
        return self._get("payment", "card", "")

    def reset_shipping_data_for_collect(self) -> None:
        self._unset("shipping", "new_address_fields")
        self._unset("shipping", "user_address_id")

    def collector(self) -> dict:
        return self._get("fulfilment", "collector", {"name": "", "phone": ""})

    def pickup_slot(self) -> dt.datetime | None:
        chosen = self._get("fulfilment", "slot", "")
        return dt.datetime.fromisoformat(chosen) if chosen else None

    def collect_location_id(self) -> int | None:
        return self._get("fulfilment", "collect_location_id")

    def is_fulfilment_chosen(self) -> bool:
        return self._get("fulfilment", "chosen", False)

    def mark_fulfilment_chosen(self) -> None:
        self._set("fulfilment", "chosen", True)
