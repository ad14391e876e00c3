"""What the stock domain announces to the domains above it.

``transfer_received`` is sent inside the receipt's transaction (not after it commits): a
receiver that fails undoes the receipt, so units that arrived for an order are never left on
the shelf unpromised while the order still waits for them.
"""

from django.dispatch import Signal

#: A transfer was received at its destination; ``transfer`` (its lines' ``quantity_received``
#: say what arrived) and ``by``.
transfer_received = Signal()
