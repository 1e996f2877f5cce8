"""The kernel's fixed vocabularies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """Every kind of write the audit trail records: a grep for a member finds each place that
    writes it. A step, an event or an order's step carries its kind in the entry's `detail`."""

    AUTHORITY_CREATE = "authority.create", _("Authority created")
    AUTHORITY_UPDATE = "authority.update", _("Authority changed")
    USER_CREATE = "user.create", _("User created")
    USER_UPDATE = "user.update", _("User changed")
    USER_PASSWORD = "user.password", _("Password changed or reset")
    USER_UNLOCK = "user.unlock", _("User unlocked after failed logins")
    USER_LANGUAGE = "user.language", _("Language chosen")
    USER_MFA_ENROL = "user.mfa.enrol", _("Authenticator app enrolled")
    USER_MFA_RECOVERY_CODES = "user.mfa.recovery_codes", _("New recovery codes")
    USER_MFA_RESET = "user.mfa.reset", _("Two-factor authentication reset")
    TOKEN_CREATE = "token.create", _("API token created")
    TOKEN_REVOKE = "token.revoke", _("API token revoked")
    REQUEST_CREATE = "request.create", _("Request created")
    REQUEST_UPDATE = "request.update", _("Request updated")
    REQUEST_CONFIDENTIALITY = "request.confidentiality", _("Request's confidentiality changed")
    REQUEST_SHARE = "request.share", _("Request shared")
    REQUEST_EVENT = "request.event", _("Event recorded on a request")
    REQUEST_IMPORT = "request.import", _("Requests imported")
    ASSET_CASE_CREATE = "asset_case.create", _("Asset case created")
    ASSET_CASE_CONTACT = "asset_case.contact", _("Asset case's contact changed")
    ASSET_CASE_NOTICE = "asset_case.notice", _("Notice recorded on an asset case")
    ASSET_CASE_LINK_REQUEST = "asset_case.link_request", _("Request linked to an asset case")
    ASSET_CASE_IMPORT = "asset_case.import", _("Asset cases imported")
    ASSET_CREATE = "asset.create", _("Asset created")
    ASSET_STEP = "asset.step", _("Step recorded on an asset")
    ASSET_VALUATION = "asset.valuation", _("Asset valued")
    ASSET_MANAGEMENT = "asset.management", _("Asset's management changed")
    ASSET_COST = "asset.cost", _("Management cost recorded")
    ASSET_STEP_RATE = "asset.step.rate", _("Provisional rate of a step replaced")
    ASSET_COST_RATE = "asset.cost.rate", _("Provisional rate of a cost replaced")
    CLAIM_LODGE = "claim.lodge", _("Third-party claim lodged")
    CLAIM_DECIDE = "claim.decide", _("Third-party claim decided")
    FOREIGN_ORDER_CREATE = "foreign_order.create", _("Foreign order received")
    FOREIGN_ORDER_STEP = "foreign_order.step", _("Step recorded on a foreign order")
    LEDGER_AGREEMENT = "ledger.agreement", _("Return agreement published")
    LEDGER_DISBURSEMENT = "ledger.disbursement", _("Disbursement published")
    LEDGER_CORRECTION = "ledger.correction", _("Correction published")
    STATISTICS_SUBMISSION = "statistics.submission", _("Statistics submitted")
