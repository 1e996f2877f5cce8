"""What the network's tests share: a network whose members are the given States, editors granted."""

from comity.accounts.services import user_permission_set
from comity.network import services
from comity.network.models import DirectoryEntry, Network

ENTRY = {
    "competences": ["mla", "extradition"],
    "languages": ["es", "en"],
    "channels": ["direct", "email"],
    "encryption_required": False,
    "signature_required": True,
    "uncac_accepted": True,
    "urgent_procedure": "Call the 24/7 line, then confirm in writing.",
    "affiliations": ["globe"],
    "links": [{"url": "https://example.org/guide", "title": "Guide"}],
}


def hub(*members, code: str = "hub") -> Network:
    """A network whose members (conftest Sides) are approved."""
    network = Network.objects.filter(code=code).first() or services.network_create(
        actor=None, code=code, name="Comity hub"
    )
    for side in members:
        membership = services.membership_request(actor=None, network=network, authority=side.authority)
        services.membership_decide(actor=None, membership=membership, approve=True)
    return network


def editor(side):
    """The side's officer, granted directory-editor (a fresh object: permissions are cached)."""
    user_permission_set(actor=None, user=side.officer, permission="directory-editor", granted=True)
    return type(side.officer).objects.get(pk=side.officer.pk)


def entry(side, **overrides) -> DirectoryEntry:
    return services.directory_entry_save(actor=None, authority=side.authority, **(ENTRY | overrides))
