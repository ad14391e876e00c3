"""The most units any stock figure may hold.

Far above any shop's stock and below the database's integer range, so a typing slip is a
refusal rather than a server error. The services refuse beyond it, the models' validators and
check constraints hold it too; model modules import it, so this module imports nothing.
"""

MAX_UNITS = 1_000_000_000
