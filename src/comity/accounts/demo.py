"""Demo authorities and users: real States, plausible names, known demo passwords."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from comity.accounts import services
from comity.accounts.choices import AuthorityKind, Role
from comity.accounts.models import Authority, User
from comity.accounts.passwords import DEMO_PASSWORD

# (country, central authority) of the States in the demo; the first ones have users.
CENTRAL_AUTHORITIES = [
    ("PE", "Unidad de Cooperación Judicial Internacional y Extradiciones, Fiscalía de la Nación"),
    ("CH", "Federal Office of Justice, International Legal Assistance Unit"),
    ("NG", "Central Authority Unit, Federal Ministry of Justice"),
    ("GB", "UK Central Authority, Home Office"),
    ("FR", "Bureau de l'entraide pénale internationale, Ministère de la Justice"),
    ("BR", "Department of Asset Recovery and International Legal Cooperation (DRCI)"),
    ("US", "Office of International Affairs, Department of Justice"),
    ("DE", "Federal Office of Justice (Bundesamt für Justiz)"),
    ("ES", "Subdirección General de Cooperación Jurídica Internacional"),
    ("IT", "Ufficio II – Cooperazione internazionale, Ministero della Giustizia"),
    ("NL", "International Legal Assistance Centre (IRC), Ministry of Justice and Security"),
    ("LU", "Parquet général, Service de l'entraide judiciaire"),
    ("LI", "Office of Justice, Mutual Legal Assistance Division"),
    ("AE", "International Cooperation Department, Ministry of Justice"),
    ("SG", "International Affairs Division, Attorney-General's Chambers"),
    ("MY", "International Affairs Division, Attorney General's Chambers"),
    ("ID", "Directorate of International Law and Central Authority, Ministry of Law"),
    ("PH", "Department of Justice, Office of the Chief State Counsel"),
    ("KE", "Office of the Attorney General and Department of Justice"),
    ("ZA", "Department of Justice and Constitutional Development, International Legal Relations"),
    ("GH", "Office of the Attorney-General and Ministry of Justice"),
    ("EG", "Ministry of Justice, International Cooperation Sector"),
    ("TN", "Ministère de la Justice, Direction des affaires pénales"),
    ("UA", "Ministry of Justice, Department of International Law"),
    ("KZ", "Prosecutor General's Office, International Cooperation Service"),
    ("MX", "Fiscalía General de la República, Dirección General de Asuntos Jurídicos Internacionales"),
    ("AR", "Dirección de Asistencia Jurídica Internacional, Cancillería"),
    ("CO", "Fiscalía General de la Nación, Dirección de Asuntos Internacionales"),
    ("AT", "Federal Ministry of Justice, Department for International Criminal Law"),
    ("BE", "Service public fédéral Justice, Coopération internationale pénale"),
    ("PT", "Procuradoria-Geral da República, Gabinete de Documentação e Direito Comparado"),
    ("CA", "International Assistance Group, Department of Justice"),
    ("AU", "International Crime Cooperation Central Authority, Attorney-General's Department"),
    ("IN", "Ministry of Home Affairs, Internal Security Division II"),
    ("TH", "Office of the Attorney General, International Affairs Department"),
    ("JE", "Law Officers' Department, Jersey"),
]
USER_COUNTRIES = ["PE", "CH", "NG", "GB", "FR", "BR"]
OTHER_AUTHORITIES = [
    (
        "PE",
        AuthorityKind.ASSET_RECOVERY_OFFICE,
        "Procuraduría Pública Especializada en Delitos de Corrupción",
    ),
    ("CH", AuthorityKind.PROSECUTION, "Office of the Attorney General of Switzerland"),
    (
        "NG",
        AuthorityKind.ASSET_RECOVERY_OFFICE,
        "Asset Recovery Unit, Economic and Financial Crimes Commission",
    ),
    ("GB", AuthorityKind.ASSET_RECOVERY_OFFICE, "International Anti-Corruption Coordination Centre"),
    ("FR", AuthorityKind.ASSET_MANAGEMENT_OFFICE, "AGRASC"),
    ("BR", AuthorityKind.FIU, "COAF – Council for Financial Activities Control"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    authority: str


def create_authorities_and_users() -> list[Authority]:
    """The central authorities (users only in USER_COUNTRIES) plus a few others and the secretariat."""
    *authorities, secretariat = services.directory_bulk_create(
        [
            Authority(
                country=c, name=n, kind=AuthorityKind.CENTRAL_AUTHORITY, external=c not in USER_COUNTRIES
            )
            for c, n in CENTRAL_AUTHORITIES
        ]
        + [Authority(country=c, name=n, kind=k) for c, k, n in OTHER_AUTHORITIES]
        + [Authority(country="AT", name="UNODC Secretariat (statistics)", kind=AuthorityKind.SECRETARIAT)]
    )
    password = make_password(DEMO_PASSWORD)
    users = [
        User(username=f"{a.country.lower()}-{role}", authority=a, role=role, password=password)
        for a in authorities[: len(CENTRAL_AUTHORITIES)]
        if a.country in USER_COUNTRIES
        for role in (Role.OFFICER, Role.HEAD, Role.VIEWER)
    ]
    users += [
        User(username="secretariat", authority=secretariat, role=Role.SECRETARIAT, password=password),
        User(username="admin", authority=authorities[0], role=Role.ADMIN, password=password, is_staff=True),
    ]
    services.directory_bulk_create([], users)
    return authorities[: len(CENTRAL_AUTHORITIES)]


def demo_logins() -> list[DemoLogin]:
    users = User.objects.filter(
        username__in=[
            *(f"{c.lower()}-{r}" for c in USER_COUNTRIES[:3] for r in (Role.OFFICER, Role.HEAD, Role.VIEWER)),
            "pe-coordinator",
            "secretariat",
            "admin",
        ]
    ).select_related("authority")
    return [
        DemoLogin(u.username, u.role, str(u.authority)) for u in users.order_by("authority__country", "role")
    ]
