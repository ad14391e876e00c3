from decimal import Decimal as D

from oscar.apps.shipping import methods


class CollectInStore(methods.Free):
    """Click and collect: free, no address; the order remembers the store."""

    code = "collect-in-store"
    name = "Click and collect"
    description = "Collect from the store you chose. Free."


class StandardDelivery(methods.FixedPrice):
    code = "standard-delivery"
    name = "Home delivery"
    description = "Delivered from our warehouse in 2-4 working days."
    charge_excl_tax = D("4.99")
    charge_incl_tax = D("4.99")
