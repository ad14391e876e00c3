"""The customer journey in numbers for merchandisers: the collect funnel, the channel mix by
week, ready time against the promise, time at the counter and the attach rate, for one store
or all of them over a span of days, on screen with charts or each figure as a CSV file."""

import csv

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView

from apps.journey import selectors as journey
from apps.journey import services as journey_steps

from .forms import JourneyForm


class JourneyView(TemplateView):
    template_name = "oscar/dashboard/journey/index.html"

    def figures(self, request):
        """The form, and the figures it asks for (None when it is wrong)."""
        form = JourneyForm(request.GET or None, today=timezone.localdate())
        if form.is_bound and not form.is_valid():
            return form, None
        start, end = form.span()
        journey_steps.write_counted()  # the storefront's steps counted since the last minute
        return form, journey.journey_figures(store=form.chosen_store(), start=start, end=end)

    def get(self, request, *args, **kwargs):
        form, figures = self.figures(request)
        if figures is None:
            typed = {name: request.GET.get(name, "") for name in ("start", "end", "store")}
            return self.render_to_response(self.get_context_data(form=form, **typed), status=400)
        query = {"start": figures.start.isoformat(), "end": figures.end.isoformat()}
        if figures.store is not None:
            query["store"] = figures.store.code
        return self.render_to_response(
            self.get_context_data(
                form=form,
                figures=figures,
                chart=figures.chart_data(),
                query="&".join(f"{k}={v}" for k, v in query.items()),
                **query,
            )
        )


class JourneyCsvView(JourneyView):
    """One figure (``journey.FIGURES``) as CSV, for the same span and store as the page."""

    def get(self, request, *args, figure, **kwargs):
        if figure not in journey.FIGURES:
            raise Http404(f"No figure {figure!r}: one of {', '.join(journey.FIGURES)}")
        form, figures = self.figures(request)
        if figures is None:
            errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
            return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
        where = figures.store.code if figures.store else "all"
        name = f"omnishop-journey-{figure}-{where}-{figures.start}-{figures.end}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        csv.writer(response).writerows(figures.csv_rows(figure))
        return response
