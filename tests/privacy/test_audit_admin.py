"""The audit log in Django admin: visible to superusers, read-only, and free of personal data."""

import pytest
from django.core.management import call_command

from apps.privacy.models import AuditEntry
from apps.privacy.services import subject_ref
from tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_audit_log_is_read_only_in_admin_and_names_nobody(merchandiser, tmp_path):
    user = UserFactory(email="Ivy.Audit@example.com", first_name="Ivy", last_name="Auditson")
    OrderFactory(user=user)
    call_command("export_customer", "ivy.audit@example.com", output=str(tmp_path / "ivy.zip"))
    entry = AuditEntry.objects.get()
    assert entry.subject_ref == subject_ref("IVY.AUDIT@example.com"), "any case: one reference"
    assert entry.via == "command" and entry.actor == "operator"

    listing = merchandiser.get("/admin/privacy/auditentry/").content.decode()
    assert "Data export" in listing and entry.subject_ref in listing
    assert "ivy" not in listing.lower().replace("ivy.zip", "")
    assert merchandiser.get("/admin/privacy/auditentry/add/").status_code == 403
    page = merchandiser.get(f"/admin/privacy/auditentry/{entry.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert merchandiser.post(f"/admin/privacy/auditentry/{entry.pk}/delete/").status_code == 403
    assert AuditEntry.objects.count() == 1
