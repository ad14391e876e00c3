from oscar.apps.order.models import *
