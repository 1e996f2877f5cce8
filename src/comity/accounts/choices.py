from django.db import models
from django.utils.translation import gettext_lazy as _


class AuthorityKind(models.TextChoices):
    CENTRAL_AUTHORITY = "central-authority", _("Central authority")
    ASSET_RECOVERY_OFFICE = "asset-recovery-office", _("Asset recovery office")
    PROSECUTION = "prosecution", _("Prosecution service")
    FIU = "fiu", _("Financial intelligence unit")
    ASSET_MANAGEMENT_OFFICE = "asset-management-office", _("Asset management office")
    COURT = "court", _("Court")
    LAW_ENFORCEMENT = "law-enforcement", _("Law-enforcement agency")
    SECRETARIAT = "secretariat", _("Secretariat")


# Kinds of authority that are never a party to a cooperation request, nor shown one: the
# secretariat compiles States' submitted figures and sees no case.
NON_PARTY_KINDS = frozenset({AuthorityKind.SECRETARIAT})


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    HEAD = "head", _("Head of unit")
    VIEWER = "viewer", _("Viewer")
    SECRETARIAT = "secretariat", _("Secretariat analyst")
    # A State's national coordinator (statistics unit, liaison group, 000 §32): the consolidated
    # figures of all the State's authorities, never a case.
    COORDINATOR = "coordinator", _("National coordinator")
    ADMIN = "admin", _("Administrator")


# Who may read the cases of their authority, and who may change them.
CASE_READER_ROLES = frozenset({Role.OFFICER, Role.HEAD, Role.VIEWER})
CASE_WRITER_ROLES = frozenset({Role.OFFICER, Role.HEAD})


# The permissions an administrator grants to a user beside their one role, by the name the command
# line and the admin know them by: "app_label.codename" of the app that declares them.
GRANTABLE_PERMISSIONS = {
    "directory-editor": "network.edit_directory",
    "network-administrator": "network.administer_network",
}
