from oscar.apps.search.views import *  # noqa: F403
