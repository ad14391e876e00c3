"""The customer's pages about their data: privacy and consent (choices and their history),
"Download my data", "Delete my account", the download by signed link, and the one-click
unsubscribe of marketing e-mails (no sign-in: the link is signed)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView
from oscar.core.loading import get_class

from apps.profiles import consent
from apps.profiles.models import Consent

from . import links, services, tasks
from .models import AuditEntry, ExportArchive

ConfirmPasswordForm = get_class("customer.forms", "ConfirmPasswordForm")

HELP = {
    consent.EMAIL: "News and offers by e-mail, at most a few a month. Every one has a one-click "
    "unsubscribe link.",
    consent.SMS: "Offers by text message to the phone on your profile.",
    consent.PERSONALISATION: "We use what you bought online and in our stores to suggest "
    "products you may like.",
}


class ConsentForm(forms.Form):
    """One tick box per consent, unticked until the customer ticks it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in Consent.CHANNELS:
            self.fields[code] = forms.BooleanField(
                label=label,
                required=False,
                help_text=HELP[code],
                widget=forms.CheckboxInput(
                    attrs={"class": "form-check-input", "aria-describedby": f"id_{code}-help"}
                ),
            )


class PrivacyView(LoginRequiredMixin, TemplateView):
    """Privacy and consent: the customer's choices, their history, their data and account."""

    template_name = "oscar/customer/privacy/privacy.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        latest = ExportArchive.objects.filter(user=user).first()
        return super().get_context_data(
            page_title="Privacy and consent",
            active_tab="privacy",
            form=kwargs.pop("form", None) or ConsentForm(initial=consent.current(user)),
            history=consent.history(user)[:50],
            export=latest,
            export_url=reverse("privacy:download", args=[links.download_token(latest)])
            if latest and latest.is_downloadable
            else "",
            link_hours=settings.PRIVACY_EXPORT_LINK_HOURS,
            **kwargs,
        )

    def post(self, request):
        form = ConsentForm(request.POST)
        if not form.is_valid():  # tick boxes are always valid; kept for the form's shape
            return self.render_to_response(self.get_context_data(form=form))
        changed = [
            code
            for code in consent.CHANNELS
            if consent.record(
                user=request.user,
                channel=code,
                granted=form.cleaned_data[code],
                source="account",
            )
        ]
        messages.success(
            request,
            "Your choices are saved."
            if changed
            else "Nothing changed: your choices are as they were.",
        )
        return redirect("privacy:account")


class RequestExportView(LoginRequiredMixin, View):
    """ "Download my data": the archive is built on Celery; the page follows it and the customer
    is e-mailed the link when it is ready."""

    def post(self, request):
        archive = services.request_export(user=request.user)
        transaction.on_commit(lambda: tasks.build_export.delay(archive.pk))
        return redirect(reverse("privacy:account") + "#your-data")


@method_decorator(never_cache, name="dispatch")
class ExportStatusView(LoginRequiredMixin, View):
    """What the page asks while an archive is being prepared."""

    def get(self, request, pk):
        archive = get_object_or_404(ExportArchive, pk=pk, user=request.user)
        return JsonResponse({"state": archive.state, "ready": archive.is_downloadable})


@method_decorator(never_cache, name="dispatch")
class DownloadView(LoginRequiredMixin, View):
    """The archive, by the signed link in the e-mail and on the page: only for its owner,
    only until it expires."""

    def get(self, request, token):
        try:
            pk = links.archive_id(token)
        except links.BadLink as exc:
            return render(request, "privacy/link_refused.html", {"reason": str(exc)}, status=410)
        archive = ExportArchive.objects.filter(pk=pk, user=request.user).first()
        if archive is None:
            raise Http404("No such download.")
        if not archive.is_downloadable:
            reason = "This download has expired and its file is deleted: ask for your data again."
            return render(request, "privacy/link_refused.html", {"reason": reason}, status=410)
        return FileResponse(
            services.archive_storage().open(archive.file_name, "rb"),
            as_attachment=True,
            filename=f"omnishop-my-data-{archive.ready_at:%Y-%m-%d}.zip",
            content_type="application/zip",
        )


class DeleteAccountView(LoginRequiredMixin, FormView):
    """Delete my account: the password again, then everything that names the customer is
    erased; refused, saying why, while an order is still open."""

    template_name = "oscar/customer/privacy/delete_account.html"
    form_class = ConfirmPasswordForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title="Delete my account", active_tab="privacy", **kwargs
        )

    def form_valid(self, form):
        try:
            services.erase(
                email=self.request.user.email, via=AuditEntry.Via.ACCOUNT, by=self.request.user
            )
        except services.PrivacyError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        logout(self.request)
        messages.success(
            self.request,
            "Your account is deleted and everything that named you is erased. "
            "Orders stay in our accounts without your name.",
        )
        return redirect("home")


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class UnsubscribeView(View):
    """One-click unsubscribe (RFC 8058): a POST to the signed URL unsubscribes, signed in or
    not (mail providers post it themselves); a GET shows a page to confirm with one button."""

    def who(self, token):
        user_id, channel = links.unsubscriber(token)
        if channel not in consent.CHANNELS:
            raise links.BadLink("This unsubscribe link is not one we sent, or it was altered.")
        return get_user_model().objects.filter(pk=user_id).first(), channel

    def get(self, request, token):
        try:
            user, channel = self.who(token)
        except links.BadLink as exc:
            return render(request, "privacy/link_refused.html", {"reason": str(exc)}, status=400)
        return render(
            request,
            "privacy/unsubscribe.html",
            {"done": False, "subscribed": consent.granted(user, channel), "channel": channel},
        )

    def post(self, request, token):
        try:
            user, channel = self.who(token)
        except links.BadLink as exc:
            return render(request, "privacy/link_refused.html", {"reason": str(exc)}, status=400)
        if user is not None:
            consent.record(user=user, channel=channel, granted=False, source="unsubscribe")
        return render(request, "privacy/unsubscribe.html", {"done": True, "channel": channel})
