import pytest

from comity.ledger.services import ensure_key


@pytest.fixture(autouse=True)
def ledger_key(_ledger_key_in_tmp):
    """A fresh signing key for each test (in its tmp dir)."""
    return ensure_key()[0]
