"""What of a request a user may know, as conditions the selectors and the list's filters share."""

from django.db.models import Q

from comity.accounts.choices import Role
from comity.accounts.models import User
from comity.cooperation.choices import NamesVisibleTo


def subject_names_visible_q(user: User, prefix: str = "") -> Q:
    """Requests whose subjects' names `user` may know (confidential ones hide them from some roles)."""
    open_q = Q(**{f"{prefix}confidential": False})
    if user.role == Role.HEAD:
        return Q()
    if user.role == Role.OFFICER:
        return open_q | Q(**{f"{prefix}names_visible_to": NamesVisibleTo.OFFICERS})
    return open_q
