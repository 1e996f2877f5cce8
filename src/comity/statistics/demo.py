"""Demo statistical submissions: what the States with users would send the secretariat, so that
its global figures are not empty in the demo."""

import json

from comity.accounts.choices import AuthorityKind
from comity.accounts.models import Authority
from comity.statistics.services import submission_receive
from comity.statistics.submissions import build_submission

# The latest full year; each period is nine aggregates per State, long at a large demo.
DEMO_PERIOD = 2025


def create_submissions(authorities: list[Authority]) -> int:
    """Each State with users builds its submission as `comity export submission` does, and the
    secretariat receives it as `comity import submission` does."""
    submitting = [a for a in authorities if a.kind == AuthorityKind.CENTRAL_AUTHORITY and not a.external]
    for authority in submitting:
        # Through JSON, as the file travels.
        payload = json.loads(json.dumps(build_submission(authority, DEMO_PERIOD)))
        submission_receive(actor=None, payload=payload)
    return len(submitting)
