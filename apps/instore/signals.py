"""What the counter tells the rest of the shop, after the change has committed."""

from django.dispatch import Signal

#: Lines of an order were taken back at a counter; ``return_ids`` are the CounterReturn ids.
return_taken = Signal()
