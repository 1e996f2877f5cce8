"""Demo data of the network (#22 item 10): one network whose members are the six States with
logins, the directory of all the demo's States (entries and contact persons), urgent freezing
alerts at each step, coordination meetings and consultations between the members; deterministic
under the seed. Synthetic: names, phone numbers and e-mail addresses (under example.org) are made up."""

import datetime
import random
from decimal import Decimal

from countryinfo import CountryInfo
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from comity.accounts.choices import AuthorityKind, Role
from comity.accounts.demo import USER_COUNTRIES
from comity.accounts.models import Authority, User
from comity.accounts.services import user_permission_set
from comity.assets.selectors import cases_visible_to
from comity.network import selectors, services
from comity.network.languages import is_language
from comity.network.models import Consultation, Network

HUB_CODE = "comity-hub"
# The capital's time zone of each demo State.
TIME_ZONES = {
    "PE": "America/Lima", "CH": "Europe/Zurich", "NG": "Africa/Lagos", "GB": "Europe/London",
    "FR": "Europe/Paris", "BR": "America/Sao_Paulo", "US": "America/New_York", "DE": "Europe/Berlin",
    "ES": "Europe/Madrid", "IT": "Europe/Rome", "NL": "Europe/Amsterdam", "LU": "Europe/Luxembourg",
    "LI": "Europe/Vaduz", "AE": "Asia/Dubai", "SG": "Asia/Singapore", "MY": "Asia/Kuala_Lumpur",
    "ID": "Asia/Jakarta", "PH": "Asia/Manila", "KE": "Africa/Nairobi", "ZA": "Africa/Johannesburg",
    "GH": "Africa/Accra", "EG": "Africa/Cairo", "TN": "Africa/Tunis", "UA": "Europe/Kiev",
    "KZ": "Asia/Almaty", "MX": "America/Mexico_City", "AR": "America/Argentina/Buenos_Aires",
    "CO": "America/Bogota", "AT": "Europe/Vienna", "BE": "Europe/Brussels", "PT": "Europe/Lisbon",
    "CA": "America/Toronto", "AU": "Australia/Sydney", "IN": "Asia/Kolkata", "TH": "Asia/Bangkok",
    "JE": "Europe/Jersey",
}  # fmt: skip
# Regional networks of practitioners, by State (CARIN for Europe, the ARINs elsewhere).
REGIONAL = {
    "carin": {"CH", "GB", "FR", "DE", "ES", "IT", "NL", "LU", "LI", "AT", "BE", "PT", "UA", "JE", "US", "CA"},
    "rrag": {"PE", "BR", "MX", "AR", "CO"},
    "iberred": {"PE", "BR", "MX", "AR", "CO", "ES", "PT"},
    "arin-wa": {"NG", "GH"},
    "arin-sa": {"ZA"},
    "arin-ea": {"KE"},
    "arin-ap": {"SG", "MY", "ID", "PH", "TH", "AU", "IN"},
    "arin-wca": {"KZ", "AE"},
    "ejn": {"FR", "DE", "ES", "IT", "NL", "LU", "AT", "BE", "PT"},
}
GIVEN = ["Ana", "Jean", "Maria", "David", "Amina", "Li", "Olga", "Ahmed", "Sara", "Paulo", "Nadia", "Kofi"]
FAMILY = ["Rojas", "Keller", "Okafor", "Martin", "Silva", "Haddad", "Tan", "Petrenko", "Mensah", "Costa"]
FUNCTIONS = [
    "Head of international cooperation",
    "Senior legal officer, mutual legal assistance",
    "Asset recovery focal point",
    "Duty officer (24/7)",
]
GUIDE = {
    "url": "https://www.unodc.org/compauth_uncac/en/index.html",
    "title": "UNODC directory of competent national authorities",
}


# The demo has no one to e-mail: its notifications stay in the inbox.
@override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
def create_network(rng: random.Random) -> Network:
    """The hub whose members are the central authorities of the States with logins (Peru's
    sponsoring the others), their officers its directory editors, `admin` its administrator."""
    network = services.network_create(actor=None, code=HUB_CODE, name="Comity cooperation hub")
    sponsor = None
    for country in USER_COUNTRIES:
        authority = Authority.objects.get(country=country, kind=AuthorityKind.CENTRAL_AUTHORITY)
        membership = services.membership_request(
            actor=None, network=network, authority=authority, sponsor=sponsor
        )
        services.membership_decide(actor=None, membership=membership, approve=True)
        sponsor = sponsor or authority
        for officer in User.objects.filter(authority=authority, role=Role.OFFICER):
            user_permission_set(actor=None, user=officer, permission="directory-editor", granted=True)
    for admin in User.objects.filter(username="admin"):
        user_permission_set(actor=None, user=admin, permission="network-administrator", granted=True)
    return network


def _competences(rng: random.Random, kind: str) -> list[str]:
    if kind == AuthorityKind.CENTRAL_AUTHORITY:
        return (
            ["mla", "extradition"]
            + (["civil-administrative"] if rng.random() < 0.5 else [])
            + (["urgent-24-7"] if rng.random() < 0.4 else [])
        )
    if kind == AuthorityKind.PROSECUTION:
        return ["mla", "urgent-24-7"]
    return ["asset-recovery-focal-point"] + (
        ["urgent-24-7"] if kind == AuthorityKind.ASSET_RECOVERY_OFFICE else []
    )


def _contact(rng: random.Random, country: str, index: int, urgent: bool, languages: list[str]) -> dict:
    calling = (CountryInfo(country).calling_codes() or ["1"])[0]
    name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
    local = name.lower().replace(" ", ".")
    return {
        "name": name,
        "function": FUNCTIONS[3] if urgent else FUNCTIONS[index % 3],
        "languages": sorted(set(languages[:2]) | {"en"}),
        "phone": f"+{calling} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        "email": f"{local}@{country.lower()}.example.org",
        "mailbox": f"cooperation@{country.lower()}.example.org" if index == 0 else "",
        "time_zone": TIME_ZONES.get(country, "UTC"),
        "working_hours": "24/7" if urgent else "Mon-Fri 08:30-17:30",
        "urgent": urgent,
    }


def create_directory(rng: random.Random) -> int:
    """A directory entry for every authority of the demo (the secretariat aside) with one to three
    contact persons; about one in six was last confirmed more than 13 months ago (stale). How many
    contact persons were made."""
    today = timezone.localdate()
    contacts = 0
    authorities = Authority.objects.exclude(kind=AuthorityKind.SECRETARIAT).order_by(
        "country", "kind", "name"
    )
    for authority in authorities:
        country = authority.country
        languages = [code for code in CountryInfo(country).languages() if is_language(code)][:3]
        languages += [] if "en" in languages else ["en"]
        competences = _competences(rng, authority.kind)
        central = authority.kind == AuthorityKind.CENTRAL_AUTHORITY
        affiliations = [code for code, members in REGIONAL.items() if country in members]
        if rng.random() < 0.6:
            affiliations.append("globe")
        if not central:
            affiliations.append("egmont" if authority.kind == AuthorityKind.FIU else "star-interpol")
        stale = rng.random() < 0.17
        age = rng.randint(400, 800) if stale else rng.randint(5, 330)
        entry = services.directory_entry_save(
            actor=None,
            authority=authority,
            competences=competences,
            languages=languages,
            channels=(["direct", "diplomatic"] if central else ["secure-platform", "interpol"])
            + (["email"] if rng.random() < 0.5 else []),
            encryption_required=rng.random() < 0.3,
            signature_required=rng.random() < 0.4,
            uncac_accepted=rng.random() < 0.92,
            urgent_procedure=(
                "Call the 24/7 duty officer, then send the request through the secure platform within 48 hours."
                if "urgent-24-7" in competences
                else "Send an advance copy by e-mail; the original follows through the usual channel."
            ),
            affiliations=affiliations,
            links=[GUIDE],
            confirmed_on=today - datetime.timedelta(days=age),
        )
        for index in range(rng.randint(1, 3)):
            services.contact_save(
                actor=None, entry=entry, **_contact(rng, country, index, urgent=False, languages=languages)
            )
            contacts += 1
        if "urgent-24-7" in competences:
            services.contact_save(
                actor=None, entry=entry, **_contact(rng, country, 9, urgent=True, languages=languages)
            )
            contacts += 1
    return contacts


# Urgent freezing alerts and coordination meetings (#22 items 5, 6) ----------------------------

# Alerts (from, to, identifier kind, identifier, currency, the steps the recipient takes).
DEMO_ALERTS = [
    ("PE", "CH", "iban", "CH9300762011623852957", "USD", ["acknowledged", "frozen"]),
    ("NG", "GB", "iban", "GB82WEST12345698765432", "GBP", ["acknowledged", "freezing-ordered"]),
    ("BR", "FR", "iban", "FR1420041010050500013M02606", "EUR", []),
    ("FR", "CH", "account", "0235-88109-2", "CHF", ["acknowledged", "not-possible"]),
    ("GB", "BR", "iban", "BR1800360305000010009795493C1", "BRL", ["acknowledged", "request-needed"]),
    ("CH", "NG", "account", "1004451173", "NGN", ["withdrawn"]),
    ("CH", "PE", "account", "193-1234567-0-12", "PEN", ["acknowledged"]),
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


# Consultations (#22 item 4) ---------------------------------------------------------------------

# (subject, summary, questions, offences, measures): what central authorities ask each other
# before a request (004 §19, §46).
CONSULTATION_TOPICS = [
    (
        "Accounts of a former minister of public works",
        "A former minister is suspected of receiving bribes for a highway contract, paid through a "
        "company registered abroad into accounts held in your jurisdiction.",
        "Is a request for bank records enough to freeze the accounts, or do you need a separate "
        "freezing order? Which details of the accounts must the request give?",
        ["uncac-15", "uncac-23"],
        ["bank-records", "freezing"],
    ),
    (
        "Beneficial owner of a shell company in a procurement fraud",
        "Payments for hospital equipment went to a company whose beneficial owner may be the "
        "procurement director's brother-in-law.",
        "Does your registry record beneficial owners, and can you share them spontaneously?",
        ["uncac-17", "uncac-21"],
        ["beneficial-ownership", "asset-tracing"],
    ),
    (
        "Non-conviction-based confiscation of a villa",
        "A villa bought with embezzled pension funds; the owner died before trial.",
        "Would your courts enforce a non-conviction-based confiscation order? What must it state?",
        ["uncac-17"],
        ["confiscation-enforcement"],
    ),
    (
        "Hearing of a witness by video link",
        "A former bank employee who handled the transfers now lives in your State.",
        "Can the witness be heard by video link, and how long does your procedure take?",
        ["uncac-23"],
        ["testimony", "videoconference"],
    ),
]


@override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
def create_consultations(rng: random.Random, per_authority: int = 2) -> int:
    """A few consultations opened by each member authority with users (its officer) with one or two
    other members, answered, some read, closed or converted into a request. Nothing without a network."""
    opened = 0
    members = sorted(
        {m.authority_id for m in services.Membership.objects.filter(state=services.MembershipState.APPROVED)}
    )
    authorities = Authority.objects.in_bulk(members)
    officers = {pk: officer for pk in members if (officer := _officer(authorities[pk])) is not None}
    handlings = ["TLP:AMBER", "TLP:AMBER+STRICT", "TLP:GREEN", "TLP:RED", "TLP:AMBER"]
    for authority_id, officer in officers.items():
        others = [
            pk for pk in officers if pk != authority_id and pk in selectors.member_authority_ids(officer)
        ]
        if not others:
            continue
        for number in range(per_authority):
            subject, summary, questions, offences, measures_asked = rng.choice(CONSULTATION_TOPICS)
            asked = rng.sample(others, k=min(len(others), 1 + (number % 2)))
            consultation = services.consultation_open(
                actor=officer,
                participants=list(Authority.objects.filter(pk__in=asked)),
                subject=subject,
                handling=rng.choice(handlings),
                summary=summary,
                questions=questions,
                offences=offences,
            )
            opened += 1
            _converse(rng, consultation, officer, [officers[pk] for pk in asked], measures_asked)
    return opened


def _converse(
    rng: random.Random, consultation: Consultation, opener: User, answering: list[User], measures: list[str]
) -> None:
    services.consultation_post(
        actor=opener,
        consultation=consultation,
        body="Dear colleagues, before we send a formal request we would value your view on the questions above.",
    )
    answer = answering[0]
    services.consultation_mark_read(user=answer, consultation=Consultation.objects.get(pk=consultation.pk))
    if rng.random() < 0.3:
        return  # not answered yet
    services.consultation_post(
        actor=answer,
        consultation=consultation,
        body="Thank you. A request under UNCAC is accepted; please name the accounts and the amounts, "
        "and attach the domestic order. A draft is welcome before you send it.",
        noted={"legal_basis": "uncac", "measures": measures},
    )
    services.consultation_mark_read(user=opener, consultation=Consultation.objects.get(pk=consultation.pk))
    fate = rng.random()
    if fate < 0.25:
        services.consultation_close(actor=opener, consultation=consultation)
    elif fate < 0.5:
        services.consultation_convert(
            actor=opener,
            consultation=consultation,
            requested_authority=answer.authority,
            type="mla",
            proceeding="criminal",
        )
