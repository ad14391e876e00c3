"""Dead letters in Oscar's dashboard: the list, one letter with its traceback, and the two
actions (send again, dismiss), POST only."""

from celery import current_app
from celery.exceptions import Retry
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import DetailView, ListView

from apps.ops import selectors, services
from apps.ops.models import DeadLetter

STATES = {"open": "Open", "resolved": "Sent again or dismissed", "all": "All"}


class DeadLetterListView(ListView):
    template_name = "oscar/dashboard/ops/dead_letter_list.html"
    context_object_name = "letters"
    paginate_by = 50

    def get_queryset(self):
        self.state = self.request.GET.get("state", "open")
        if self.state not in STATES:
            self.state = "open"
        return selectors.dead_letters(state=self.state)

    def get_context_data(self, **kwargs):
        return super().get_context_data(state=self.state, states=STATES, **kwargs)


class DeadLetterDetailView(DetailView):
    template_name = "oscar/dashboard/ops/dead_letter_detail.html"
    context_object_name = "letter"
    queryset = selectors.dead_letters(state="all")


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class _LetterAction(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        letter = get_object_or_404(DeadLetter, pk=pk)
        try:
            self.act(letter)
        except services.AlreadyHandled as exc:
            messages.warning(request, f"{letter.task_name}: {exc}")
        return redirect("dashboard:dead-letter-list")


class RetryDeadLetterView(_LetterAction):
    def act(self, letter):
        try:
            letter = services.retry_dead_letter(letter_id=letter.pk, by=self.request.user)
        except services.AlreadyHandled:
            raise
        except Retry as exc:  # run here, failed again, and it retries on its own
            messages.warning(self.request, f"{letter.task_name} failed again and will retry: {exc}")
            return
        except Exception as exc:
            if current_app.conf.task_always_eager:  # run here, failed again: a new letter
                messages.error(
                    self.request, f"{letter.task_name} failed again ({exc}); it is listed anew."
                )
            else:
                messages.error(
                    self.request,
                    f"{letter.task_name} could not be sent ({type(exc).__name__}): "
                    "is the broker up? Nothing changed.",
                )
            return
        messages.success(self.request, f"{letter.task_name} sent again ({letter.retry_task_id}).")


class DismissDeadLetterView(_LetterAction):
    def act(self, letter):
        services.dismiss_dead_letter(letter_id=letter.pk, by=self.request.user)
        messages.success(self.request, f"{letter.task_name} dismissed.")
