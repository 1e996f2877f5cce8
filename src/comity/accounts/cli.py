"""What the management commands share about authorities."""

from django.core.management.base import CommandError

from comity.accounts.models import Authority


def acting_authority(authority_id: int | None) -> Authority:
    """Which authority a command acts for: --authority ID, or the only one with users."""
    if authority_id is not None:
        authority = Authority.objects.filter(pk=authority_id).first()
        if authority is None:
            raise CommandError(f"authority: no authority with id {authority_id}")
        return authority
    candidates = list(Authority.objects.filter(external=False, users__isnull=False).distinct()[:2])
    if len(candidates) != 1:
        raise CommandError("authority: name the authority with --authority ID (see `comity authority add`)")
    return candidates[0]
