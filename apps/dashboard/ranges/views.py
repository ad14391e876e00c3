"""Oscar's range dashboard views (the rest come from Oscar): reordering a range's products
takes product ids only, and answers anything else with 400."""

from django.http import HttpResponseBadRequest
from oscar.apps.dashboard.ranges import views as oscar_views

from config.middleware import ROW_ID


class RangeReorderView(oscar_views.RangeReorderView):
    def post(self, request, pk):
        if not all(ROW_ID.fullmatch(value) for value in request.POST.getlist("product")):
            return HttpResponseBadRequest(
                "Each 'product' must be a product id.", content_type="text/plain; charset=utf-8"
            )
        return super().post(request, pk)
