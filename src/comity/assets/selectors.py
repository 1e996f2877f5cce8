"""Reads on asset recovery cases, scoped at the source: a case is seen only by the authorities
taking part in it, whatever the channel. Views never filter for security."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from comity.accounts.models import User
from comity.assets.models import (
    Asset,
    AssetCase,
    AssetCaseBarrier,
    AssetCaseParticipant,
    AssetStep,
    Claim,
    Contact,
    ForeignOrder,
    ManagementCost,
    Valuation,
)
from comity.cooperation.selectors import requests_visible_to
from comity.core.policy import visible_or_404
from comity.core.services import record_access
from comity.reference.choices import AssetCaseStatus


def cases_visible_to(user: User) -> QuerySet[AssetCase]:
    """The cases the user's authority takes part in; none for the secretariat and administrators."""
    if not user.is_authenticated or not user.reads_cases or user.authority_id is None:
        return AssetCase.objects.none()
    taking_part = AssetCaseParticipant.objects.filter(case=OuterRef("pk"), authority_id=user.authority_id)
    return AssetCase.objects.filter(Exists(taking_part))


def assets_visible_to(user: User) -> QuerySet[Asset]:
    return Asset.objects.filter(case__in=cases_visible_to(user))


def case_list(user: User) -> QuerySet[AssetCase]:
    return (
        cases_visible_to(user)
        .prefetch_related("countries", "offence_rows", "assets")
        .order_by("-created_at", "-pk")
    )


def case_detail(user: User, pk: int, *, channel: str) -> AssetCase:
    """One case the user may see with everything its page shows, or 404; the read is logged."""
    visible = cases_visible_to(user).prefetch_related(
        "countries",
        "offence_rows",
        "persons",
        "participants__authority",
        "notices",
        # Only the linked requests the user may open: a reference and its States are the
        # request's own metadata, not the case's.
        Prefetch(
            "requests",
            queryset=requests_visible_to(user).select_related("requesting_authority", "requested_authority"),
        ),
        Prefetch("contacts", queryset=Contact.objects.order_by("-on", "-pk")),
        Prefetch("barriers", queryset=AssetCaseBarrier.objects.order_by("on", "pk")),
        Prefetch(
            "foreign_orders",
            queryset=ForeignOrder.objects.prefetch_related("steps").order_by("issued_on", "pk"),
        ),
        Prefetch(
            "assets",
            queryset=Asset.objects.select_related("management")
            .prefetch_related(
                Prefetch("steps", queryset=AssetStep.objects.order_by("id")),
                Prefetch("costs", queryset=ManagementCost.objects.order_by("on", "pk")),
                Prefetch("valuations", queryset=Valuation.objects.order_by("on", "pk")),
                Prefetch("claims", queryset=Claim.objects.order_by("lodged_on", "pk")),
            )
            .order_by("pk"),
        ),
    )
    case = visible_or_404(visible, pk)
    record_access(user=user, obj=case, channel=channel)
    return case


def case_for_write(user: User, pk: int) -> AssetCase:
    """A case the user may see, to hand to a service (which checks the right to write)."""
    return visible_or_404(cases_visible_to(user), pk)


def asset_for_write(user: User, case: AssetCase, pk: int) -> Asset:
    """An asset of a case already fetched for `user`; 404 if it belongs to another case."""
    return get_object_or_404(Asset.objects.select_related("case"), case=case, pk=pk)


@dataclass(frozen=True)
class FollowUp:
    """One asset frozen (or only identified) abroad, with what calls for action."""

    asset: Asset
    age_days: int | None
    last_contact_on: datetime.date | None
    idle_days: int
    alerts: list[str]


def frozen_abroad(user: User, today: datetime.date) -> list[FollowUp]:
    """Every asset of the user's cases frozen in, or identified in and not yet frozen by, a State
    other than the user's, oldest first, each with its alerts (000 §42, §46)."""
    if user.authority is None:
        return []
    own_country = user.authority.country
    assets = (
        assets_visible_to(user)
        .filter(status__in=[AssetCaseStatus.FROZEN, AssetCaseStatus.IDENTIFIED])
        .exclude(location_country=own_country)
        .select_related("case")
        .annotate(last_contact_on=Max("contacts__on"))
        .order_by("frozen_on", "identified_on", "pk")
    )
    warn_days = settings.COMITY_ORDER_EXPIRY_WARNING_DAYS
    idle_limit = settings.COMITY_FOLLOW_UP_DAYS
    rows = []
    for asset in assets:
        last_contact = asset.last_contact_on
        last_activity = max(
            filter(None, (asset.last_step_on, last_contact, asset.identified_on)), default=today
        )
        idle_days = (today - last_activity).days
        alerts = []
        if asset.status == AssetCaseStatus.IDENTIFIED:
            alerts.append(
                _("Identified %(n)d days ago and not frozen: request urgent freezing.")
                % {"n": (today - (asset.identified_on or today)).days}
            )
        if asset.review_on:
            left = (asset.review_on - today).days
            if left < 0:
                alerts.append(_("The order's review or expiry date passed %(n)d days ago.") % {"n": -left})
            elif left <= warn_days:
                alerts.append(_("The order expires or is reviewed in %(n)d days.") % {"n": left})
        if idle_days >= idle_limit:
            alerts.append(_("Nothing happened for %(n)d days: follow up with the State.") % {"n": idle_days})
        rows.append(
            FollowUp(
                asset=asset,
                age_days=(today - asset.frozen_on).days if asset.frozen_on else None,
                last_contact_on=last_contact,
                idle_days=idle_days,
                alerts=alerts,
            )
        )
    return rows


def management_alerts(asset: Asset) -> list[str]:
    """A seized asset losing value, or costing more to keep than it is worth (000 §5): the case
    for an interlocutory sale. Reads the asset's prefetched valuations and costs."""
    alerts = []
    valuations = list(asset.valuations.all())
    if len(valuations) >= 2 and valuations[0].currency == valuations[-1].currency and valuations[0].value > 0:
        fall = (valuations[0].value - valuations[-1].value) * 100 / valuations[0].value
        if fall >= settings.COMITY_DEPRECIATION_ALERT_PERCENT:
            alerts.append(
                _("Its value fell %(p)d%% since %(d)s: consider an interlocutory sale.")
                % {"p": int(fall), "d": valuations[0].on.isoformat()}
            )
    if valuations:
        latest = valuations[-1]
        costs = sum((c.amount for c in asset.costs.all() if c.currency == latest.currency), start=0)
        if costs and costs >= latest.value:
            alerts.append(
                _("Keeping it has cost %(c)s %(cur)s, more than its value.")
                % {"c": f"{costs:,.2f}", "cur": latest.currency}
            )
    return alerts
