"""What the pickup domain tells the rest of the shop, after the change has committed.

Receivers (the shopper's messages, in ``apps.notifications``) subscribe here, so the domain
never imports the code that sends e-mails and texts.
"""

from django.dispatch import Signal

#: A pickup event was recorded and committed; ``event_id`` is its PickupEvent's id.
event_recorded = Signal()
