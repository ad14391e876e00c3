"""E-mail backends for the worker tests, chosen by EMAIL_BACKEND in a worker's environment.

``OutboxBackend`` appends each message it delivers to the file ``OPS_OUTBOX`` (one JSON line:
to, subject), so a test in another process can count what was delivered. Before delivering it
touches ``OPS_SENDING`` and waits while the file ``OPS_HOLD`` exists: a worker can be caught,
and killed, in the middle of sending."""

import json
import os
import smtplib
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        sending, hold = Path(os.environ["OPS_SENDING"]), Path(os.environ["OPS_HOLD"])
        sending.write_text(str(os.getpid()))
        while hold.exists():
            time.sleep(0.05)
        with open(os.environ["OPS_OUTBOX"], "a") as outbox:
            for message in email_messages:
                outbox.write(json.dumps({"to": message.to, "subject": message.subject}) + "\n")
                outbox.flush()
                os.fsync(outbox.fileno())
        return len(email_messages)


class DownBackend(BaseEmailBackend):
    """A mail server that never answers."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("mail server down")
