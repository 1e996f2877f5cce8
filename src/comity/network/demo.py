"""Demo data of the network: urgent freezing alerts at each step and coordination meetings
between the member States with logins (the network and its directory come first)."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from comity.accounts.choices import Role
from comity.accounts.models import Authority, User
from comity.assets.selectors import cases_visible_to
from comity.network import services
from comity.network.models import Network

# Alerts (from, to, identifier kind, identifier, currency, the steps the recipient takes).
DEMO_ALERTS = [
    ("PE", "CH", "iban", "CH9300762011623852957", "USD", ["acknowledged", "frozen"]),
    ("NG", "GB", "iban", "GB82WEST12345698765432", "GBP", ["acknowledged", "freezing-ordered"]),
    ("BR", "FR", "iban", "FR1420041010050500013M02606", "EUR", []),
    ("FR", "CH", "account", "0235-88109-2", "CHF", ["acknowledged", "not-possible"]),
    ("GB", "BR", "iban", "BR1800360305000010009795493C1", "BRL", ["acknowledged", "request-needed"]),
    ("CH", "NG", "account", "1004451173", "NGN", ["withdrawn"]),
]
REASONS = [
    "The holder was seen transferring the balance to a trust abroad; a formal request follows this week.",
    "A court hearing tomorrow may lead the account holder to move the funds.",
    "Press reports of the investigation: the funds are likely to move within days.",
]
MEETINGS = [
    (["PE", "CH", "GB"], "Coordination: port concession bribes", 3),
    (["NG", "GB", "FR"], "Coordination: oil licence proceeds", 10),
    (["BR", "FR"], "Preparing a request for bank records", 21),
]


def _officer(authority: Authority, role: str = Role.OFFICER) -> User | None:
    return authority.users.filter(role=role, is_active=True).first()


# The demo has no one to e-mail: its notifications stay in the inbox.
@override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
def create_alerts_and_meetings(rng: random.Random) -> tuple[int, int]:
    """Alerts and meetings between the members of the demo's network; (0, 0) without one."""
    network = Network.objects.order_by("pk").first()
    if network is None:
        return 0, 0
    by_country = {
        m.authority.country: m.authority
        for m in network.memberships.filter(state="approved").select_related("authority").order_by("pk")
    }
    alerts = meetings = 0
    now = timezone.now()
    for origin, target, kind, identifier, currency, steps in DEMO_ALERTS:
        sender_authority, recipient_authority = by_country.get(origin), by_country.get(target)
        if sender_authority is None or recipient_authority is None:
            continue
        sender, recipient = _officer(sender_authority), _officer(recipient_authority)
        if sender is None or recipient is None:
            continue
        case = cases_visible_to(sender).order_by("pk").first() if steps[-1:] == ["frozen"] else None
        with transaction.atomic():
            alert = services.alert_send(
                actor=sender,
                to_authority=recipient_authority,
                assets=[
                    services.AlertAssetInput(
                        identifier_kind=kind,
                        identifier=identifier,
                        amount=Decimal(rng.randrange(200, 9000) * 1000),
                        currency=currency,
                    )
                ],
                reason=rng.choice(REASONS),
                deadline=now + datetime.timedelta(hours=rng.choice([12, 24, 48])),
                asset_case=case,
            )
            for step in steps:
                if step == "acknowledged":
                    services.alert_acknowledge(
                        actor=recipient, alert=alert, note="Received by the duty officer."
                    )
                elif step == "withdrawn":
                    services.alert_withdraw(
                        actor=sender, alert=alert, reason="The funds were frozen at home."
                    )
                else:
                    reason = "The account was closed in 2024." if step == "not-possible" else ""
                    services.alert_outcome(
                        actor=recipient,
                        alert=alert,
                        outcome=step,
                        reason=reason,
                        order_reference="DEMO-ORDER-1",
                    )
        alerts += 1
    for countries, title, in_days in MEETINGS:
        parties = [by_country[c] for c in countries if c in by_country]
        organiser = _officer(parties[0]) if parties else None
        if organiser is None or len(parties) < 2:
            continue
        day = (now + datetime.timedelta(days=in_days)).date()
        with transaction.atomic():
            meeting = services.meeting_plan(
                actor=organiser,
                title=title,
                starts_at=datetime.datetime(day.year, day.month, day.day, 14, 0, tzinfo=datetime.UTC),
                duration_minutes=rng.choice([60, 90]),
                participants=parties[1:],
                location="https://video.example/comity-demo",
                agenda="1. Where each request stands\n2. Assets to freeze next\n3. Next steps",
                asset_cases=list(cases_visible_to(organiser).order_by("pk")[:1]),
            )
            for party in parties[1:]:
                owner = _officer(party)
                if owner is not None:
                    services.action_item_add(
                        actor=organiser,
                        meeting=meeting,
                        text="Send the bank records received since the last meeting",
                        owner=owner,
                        due_on=day + datetime.timedelta(days=rng.randint(7, 30)),
                    )
        meetings += 1
    return alerts, meetings
