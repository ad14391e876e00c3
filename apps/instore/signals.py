"""What the counter tells the rest of the shop, after the change has committed."""

from django.dispatch import Signal

#: Lines of an order were taken back at a counter; ``return_ids`` are the CounterReturn ids.
return_taken = Signal()

#: A till sale committed with somewhere to send its receipt; ``sale_id`` is the TillSale's id.
till_sale_recorded = Signal()
