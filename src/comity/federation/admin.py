from django.contrib import admin

from comity.accounts.admin import ReadOnlyAdmin
from comity.federation.models import Deployment, Peer, PeerAuthority, PeerKey, TrustList


# Trust is given by the command line, whose service checks and audits it: the admin only shows it.
@admin.register(Peer)
class PeerAdmin(ReadOnlyAdmin):
    list_display = ("name", "state", "hub", "vouched_by", "url", "fingerprint", "trusted_at")


@admin.register(PeerKey)
class PeerKeyAdmin(ReadOnlyAdmin):
    list_display = ("kid", "peer", "use", "retired", "added_at")
    list_filter = ("peer", "use", "retired")


@admin.register(PeerAuthority)
class PeerAuthorityAdmin(ReadOnlyAdmin):
    list_display = ("authority", "peer", "remote_id")


@admin.register(TrustList)
class TrustListAdmin(ReadOnlyAdmin):
    list_display = ("hub", "sequence", "issued_at", "expires_at", "recorded_at")
    list_filter = ("hub",)


admin.site.register(Deployment, ReadOnlyAdmin)
