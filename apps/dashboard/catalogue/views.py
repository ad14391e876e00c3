"""Oscar's catalogue dashboard views (the rest come from Oscar): the product lookup reads its
query through a form, so a bad page number or id is a 400 with the reason."""

from django import forms
from django.core.validators import RegexValidator
from django.http import JsonResponse
from oscar.apps.dashboard.catalogue import views as oscar_views

from config.middleware import ROW_ID

#: Row ids, comma-separated ("12,40,7").
ROW_IDS = rf"^{ROW_ID.pattern}(,{ROW_ID.pattern})*\Z"


class LookupForm(forms.Form):
    #: The ids of the products already chosen, comma-separated.
    initial = forms.CharField(
        required=False,
        max_length=2000,
        validators=[RegexValidator(ROW_IDS, "Ids, comma-separated.")],
    )
    q = forms.CharField(required=False, max_length=200)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    page_limit = forms.IntegerField(required=False, min_value=1, max_value=100)


class ProductLookupView(oscar_views.ProductLookupView):
    def get(self, request):
        self.form = LookupForm(request.GET)
        if not self.form.is_valid():
            return JsonResponse({"errors": self.form.errors}, status=400)
        return super().get(request)

    def get_args(self):
        data = self.form.cleaned_data
        return data["initial"], data["q"], data["page"] or 1, data["page_limit"] or 20
