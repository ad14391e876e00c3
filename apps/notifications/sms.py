"""Text messages to shoppers, through a backend chosen by ``SMS_BACKEND`` (like Django's e-mail
backends). A provider's backend is a class with ``send(*, to, body)`` that raises on failure."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class ConsoleBackend:
    """Writes each text to the log instead of sending it (the embedded default)."""

    def send(self, *, to: str, body: str) -> None:
        logger.info("SMS to %s: %s", to, body)


class LocmemBackend:
    """Keeps texts in ``outbox`` (for tests), as Django's locmem e-mail backend does."""

    outbox: list[dict] = []

    def send(self, *, to: str, body: str) -> None:
        self.outbox.append({"to": to, "body": body})


def send(*, to: str, body: str) -> None:
    import_string(settings.SMS_BACKEND)().send(to=to, body=body)
