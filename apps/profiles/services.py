"""Changes to a customer's profile that a door asks for (the account pages edit it directly)."""

from django.db import transaction

from .models import Profile


@transaction.atomic
def keep_phone(*, user, phone: str) -> bool:
    """Keep the phone a signed-in shopper gave at checkout on their profile, because they
    ticked "keep it" (never otherwise). Returns whether the profile changed."""
    if not phone or not user.is_authenticated:
        return False
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    if str(profile.phone or "") == phone:
        return False
    profile.phone = phone
    profile.save(update_fields=["phone"])
    return True
