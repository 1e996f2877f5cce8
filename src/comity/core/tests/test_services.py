import threading

import pytest
from django.db import connection

from comity.accounts.tests.factories import AuthorityFactory
from comity.core.models import AuditEntry, Submission
from comity.core.services import KeyReused, audit, submission_fingerprint, submit_once


def test_a_key_given_again_creates_nothing_and_names_the_first_creation(peru):
    made = []

    def create():
        made.append(AuthorityFactory())
        return made[-1]

    fingerprint = submission_fingerprint("POST", "/x", b'{"a":1}')
    first = submit_once(actor=peru.officer, key="k1", fingerprint=fingerprint, create=create)
    again = submit_once(actor=peru.officer, key="k1", fingerprint=fingerprint, create=create)
    assert first.created == made[0] and not first.replayed
    assert again.created is None and again.replayed_id == str(made[0].pk) and len(made) == 1
    with pytest.raises(KeyReused):
        submit_once(
            actor=peru.officer, key="k1", fingerprint=submission_fingerprint("POST", "/y"), create=create
        )
    # the record keeps a keyed hash of what was asked, never the content
    [stored] = Submission.objects.all()
    assert stored.fingerprint == fingerprint and '{"a":1}' not in stored.fingerprint


def test_a_key_is_forgotten_a_day_later(peru):
    create = AuthorityFactory
    submit_once(actor=peru.officer, key="k1", fingerprint="f", create=create)
    Submission.objects.update(created_at="2000-01-01T00:00:00Z")
    assert not submit_once(actor=peru.officer, key="k1", fingerprint="f", create=create).replayed
    assert Submission.objects.count() == 1


def test_a_creation_that_fails_frees_its_key(peru):
    def fail():
        audit(actor=None, action="x", obj=peru.authority)
        raise ValueError("refused")

    with pytest.raises(ValueError):
        submit_once(actor=peru.officer, key="k1", fingerprint="f", create=fail)
    assert not Submission.objects.exists() and not AuditEntry.objects.exists()
    assert submit_once(actor=peru.officer, key="k1", fingerprint="f", create=AuthorityFactory).created


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="one SQLite write at a time: no two claims overlap")
def test_two_concurrent_submissions_of_one_key_create_once(peru):
    """A double click: the second claim waits on the first's unique key, then answers with it."""
    first_claimed, results, made = threading.Event(), {}, []

    def create():
        first_claimed.set()
        made.append(AuthorityFactory())
        return made[-1]

    def submit(name: str) -> None:
        try:
            results[name] = submit_once(actor=peru.officer, key="click", fingerprint="f", create=create)
        finally:
            connection.close()

    first = threading.Thread(target=submit, args=("first",))
    first.start()
    first_claimed.wait()
    second = threading.Thread(target=submit, args=("second",))
    second.start()
    first.join()
    second.join()
    assert len(made) == 1
    assert {r.replayed_id or str(r.created.pk) for r in results.values()} == {str(made[0].pk)}
