"""The counter's refusals (raised by its services and selectors)."""


class InstoreError(Exception):
    """A refused sale or return; nothing was changed."""
