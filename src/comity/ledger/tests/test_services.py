import datetime
import json
import random
import re
from decimal import Decimal

import pytest
import rfc8785
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from comity.core.formats import format_amount
from comity.ledger import integrity, merkle, selectors, services
from comity.ledger.demo import create_ledger
from comity.ledger.models import LedgerEntry, TreeHead
from comity.ledger.note import open_note, parse_checkpoint, parse_verifier_key

AGREEMENT = {
    "title": "Return of confiscated proceeds",
    "returning_state": "CH",
    "receiving_state": "PE",
    "signed_on": "2020-03-05",
    "amount": "26000000",
    "currency": "USD",
    "purpose": "Anti-corruption institutions",
    "monitoring_body": "Joint committee",
}
PAYMENT = {
    "date": "2021-01-15",
    "amount": "125000.50",
    "currency": "USD",
    "recipient": "Judiciary",
    "purpose": "Case management system",
    "evidence": [{"description": "Contract", "sha256": "ab" * 32}],
}


@pytest.fixture
def agreement(peru, switzerland):
    return services.agreement_record(actor=peru.officer, data=AGREEMENT)


def state():
    return LedgerEntry.objects.count(), TreeHead.objects.count()


def test_entries_are_canonical_json_hashed_into_a_signed_tree(agreement, peru, switzerland):
    services.disbursement_record(actor=switzerland.head, agreement_index=agreement.pk, data=PAYMENT)
    entries = list(LedgerEntry.objects.order_by("leaf_index"))
    for entry in entries:
        content = json.loads(bytes(entry.leaf_input))
        assert rfc8785.dumps(content) == bytes(entry.leaf_input)
        assert bytes(entry.leaf_hash) == merkle.leaf_hash(bytes(entry.leaf_input))
    assert json.loads(bytes(entries[1].leaf_input))["evidence"] == [
        {"description": "Contract", "sha256": "ab" * 32}
    ]
    head = selectors.latest_tree_head()
    assert head.tree_size == 2
    assert bytes(head.root_hash) == merkle.root_of_leaves([bytes(e.leaf_hash) for e in entries])
    verifier = parse_verifier_key(services.signer().verifier_key)
    checkpoint = parse_checkpoint(open_note(head.checkpoint, verifier))
    assert (checkpoint.size, checkpoint.root_hash) == (2, bytes(head.root_hash))
    assert integrity.check_local().tree_size == 2


def test_batched_appends_match_one_by_one(agreement, switzerland):
    contents = []
    for n in range(37):
        content, errors = services.disbursement_content(
            PAYMENT | {"amount": str(n + 1)}, services.entry_content(agreement), agreement.pk
        )
        assert not errors
        contents.append(content)
    services.append_entries(contents[:20], actor=None)
    services.append_entries(contents[20:], actor=None)
    hashes = [
        bytes(h) for h in LedgerEntry.objects.order_by("leaf_index").values_list("leaf_hash", flat=True)
    ]
    assert bytes(selectors.latest_tree_head().root_hash) == merkle.root_of_leaves(hashes)
    for size in (1, 5, 21, 38):
        for index in (0, size // 2, size - 1):
            merkle.verify_inclusion(
                index,
                size,
                hashes[index],
                selectors.inclusion_proof(index, size),
                merkle.root_of_leaves(hashes[:size]),
            )
    assert integrity.check_local().heads == 3


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"amount": "-5"}, "amount", "positive"),
        ({"amount": "0"}, "amount", "positive"),
        ({"amount": "abc"}, "amount", "not an amount"),
        ({"currency": "XYZ"}, "currency", "Unknown currency"),
        ({"currency": "EUR"}, "currency", "agreement's currency, USD"),
        ({"date": "2019-01-01"}, "date", "follows the agreement"),
        ({"date": "2999-01-01"}, "date", "future"),
        ({"recipient": " "}, "recipient", "required"),
        ({"evidence": [{"description": "Audit", "sha256": "xyz"}]}, "evidence.0.sha256", "64 hexadecimal"),
    ],
)
def test_bad_disbursements_name_the_field_and_leave_the_log_unchanged(agreement, peru, changes, field, text):
    before = state()
    with pytest.raises(ValidationError) as error:
        services.disbursement_record(actor=peru.officer, agreement_index=agreement.pk, data=PAYMENT | changes)
    assert text in " ".join(error.value.message_dict[field])
    assert state() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"returning_state": "XX"}, "returning_state"),
        ({"receiving_state": "CH"}, "receiving_state"),
        ({"currency": "usd!"}, "currency"),
        ({"amount": "-1"}, "amount"),
        ({"signed_on": "yesterday"}, "signed_on"),
        ({"signed_on": "0001-03-05"}, "signed_on"),  # a mistyped year (before 1950)
    ],
)
def test_bad_agreements(peru, changes, field):
    with pytest.raises(ValidationError) as error:
        services.agreement_record(actor=peru.officer, data=AGREEMENT | changes)
    assert field in error.value.message_dict
    assert state() == (0, 0)


def test_only_officers_of_a_party_record(agreement, peru, nigeria, secretariat_user):
    before = state()
    for actor in (nigeria.officer, peru.viewer, secretariat_user):
        with pytest.raises(PermissionDenied):
            services.disbursement_record(actor=actor, agreement_index=agreement.pk, data=PAYMENT)
    with pytest.raises(PermissionDenied):
        services.agreement_record(actor=nigeria.officer, data=AGREEMENT)
    assert state() == before


def test_corrections_reference_an_existing_entry_and_change_what_the_pages_show(agreement, peru):
    payment = services.disbursement_record(actor=peru.officer, agreement_index=agreement.pk, data=PAYMENT)
    before = state()
    for corrects in (99, -1, "3"):
        with pytest.raises(ValidationError) as error:
            services.correction_record(actor=peru.officer, corrects=corrects, reason="typo", replacement=None)
        assert "corrects" in error.value.message_dict
    assert state() == before
    with pytest.raises(ValidationError) as error:
        services.correction_record(
            actor=peru.officer, corrects=payment.pk, reason="typo", replacement=PAYMENT | {"amount": "-3"}
        )
    assert "replacement.amount" in error.value.message_dict
    fixed = services.correction_record(
        actor=peru.officer,
        corrects=payment.pk,
        reason="Bank record says less",
        replacement=PAYMENT | {"amount": "100000"},
    )
    with pytest.raises(ValidationError):  # a correction is not itself corrected: correct the original again
        services.correction_record(actor=peru.officer, corrects=fixed.pk, reason="x", replacement=None)
    view = selectors.agreement_detail(agreement.pk)
    assert view.disbursed == 100000 and view.disbursements[0].corrections == [fixed.pk]
    services.correction_record(
        actor=peru.officer, corrects=payment.pk, reason="Recorded by mistake", replacement=None
    )
    view = selectors.agreement_detail(agreement.pk)
    assert view.disbursed == 0 and view.disbursements[0].void
    # the original bytes are still there, unchanged
    assert json.loads(bytes(LedgerEntry.objects.get(pk=payment.pk).leaf_input))["amount"] == "125000.50"


def test_missing_key_is_a_clear_error(settings, tmp_path, peru):
    settings.COMITY_LEDGER_KEY_FILE = tmp_path / "absent" / "ledger.key"
    with pytest.raises(services.LedgerNotInitialised, match="comity ledger init"):
        services.signer()


def test_local_check_finds_a_rewritten_entry(agreement, peru):
    services.disbursement_record(actor=peru.officer, agreement_index=agreement.pk, data=PAYMENT)
    tampered = bytes(LedgerEntry.objects.get(pk=1).leaf_input).replace(b"125000.50", b"925000.50")
    LedgerEntry.objects.filter(pk=1).update(leaf_input=tampered)
    with pytest.raises(integrity.VerifyError, match="stored hash"):
        integrity.check_local()
    LedgerEntry.objects.filter(pk=1).update(leaf_hash=merkle.leaf_hash(tampered))
    with pytest.raises(integrity.VerifyError, match="does not match the entries"):
        integrity.check_local()


def test_demo_ledger_is_valid_and_checks(db):
    count = create_ledger(random.Random(1), disbursements=40)
    assert count == 4 + 40 + 2
    assert integrity.check_local().tree_size == count
    assert len(selectors.agreement_list()) == 4
    assert datetime.date.fromisoformat(selectors.agreement_list()[0].content["signed_on"]).year >= 2020


@pytest.mark.parametrize(
    "language, amount, paid, signed, day",
    [
        ("en", "26,000,000.00 USD", "125,000.50", "2020-03-05", "2021-01-15"),
        ("fr", "26\u202f000\u202f000,00 USD", "125\u202f000,50", "5 mars 2020", "15 janv. 2021"),
    ],
)
def test_the_public_pages_write_amounts_and_days_as_the_language_does(
    agreement, switzerland, language, amount, paid, signed, day
):
    """The signed entries keep their days as ISO text; the pages write them as the reader's
    language does (they were ISO on every page, in every language)."""
    services.disbursement_record(actor=switzerland.head, agreement_index=agreement.pk, data=PAYMENT)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    index = client.get("/ledger/").content.decode()
    assert amount in index
    page = client.get(f"/ledger/agreements/{agreement.pk}/").content.decode()
    assert amount in page and paid in page
    assert "125000.50" not in page
    assert signed in index and signed in page and day in page


@pytest.mark.parametrize("language", ["ar", "fr", "ru", "es"])
def test_the_public_logs_share_spent_is_drawn_and_its_amount_has_its_currency(
    agreement, switzerland, language
):
    """A language writing decimals with a comma broke the bar's value (`value="0,01"`: an empty
    bar in Arabic, French, Russian and Spanish), and the amount spent lacked its currency code."""
    services.disbursement_record(actor=switzerland.head, agreement_index=agreement.pk, data=PAYMENT)
    index = Client(HTTP_ACCEPT_LANGUAGE=language).get("/ledger/").content.decode()
    value = re.search(r'<progress value="([^"]*)" max="1"', index).group(1)
    assert 0 < float(value) < 1, value
    with translation.override(language):
        spent = format_amount(Decimal(PAYMENT["amount"]), AGREEMENT["currency"])
    assert spent.endswith(" USD") and spent in index
