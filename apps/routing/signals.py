"""What routing announces to the domains above it.

``units_lost`` is sent inside the transfer receipt's transaction: units a shipped-to-store
order waited for did not arrive (the order already promises only what did).
"""

from django.dispatch import Signal

#: ``order``, ``missing`` ({order line: units that did not arrive}), ``transfer`` and ``by``.
units_lost = Signal()
