"""`comity guidance export|import` (#23 item 1): a profile exported and imported again is the same
profile; a file that does not match the schema names each path and imports nothing."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from comity.core.models import AuditEntry
from comity.guidance.models import NationalOffence, Profile, ProfileVersion
from comity.guidance.services import national_offences_import
from comity.guidance.tests.helpers import CH_OFFENCES, document, peru_document, stored


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("guidance", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_export_then_import_gives_the_identical_profile(tmp_path):
    stored(document("CH"))
    stored(peru_document())
    first = tmp_path / "ch.json"
    run("export", str(first), "--country", "ch")
    exported = json.loads(first.read_text())
    assert exported == document("CH")  # the file is the document, nothing added nor lost
    # Into the same deployment: nothing changed, so no version.
    assert "version 1" in run("import", str(first))
    assert ProfileVersion.objects.filter(profile__country="CH").count() == 1
    # Into an empty one: the same profile, and exported again, the same bytes.
    Profile.objects.filter(country="CH").delete()
    assert "Imported the profile of CH: version 1" in run("import", str(first))
    second = tmp_path / "again.json"
    run("export", str(second), "--country", "CH")
    assert second.read_bytes() == first.read_bytes()
    assert Profile.objects.get(country="CH").document == exported


@pytest.mark.django_db
def test_a_malformed_file_names_each_path_and_imports_nothing(tmp_path):
    stored(document("CH"))
    bad = document("CH")
    bad["general"]["languages"] = {"value": ["de"], "confirmed_on": "2026-02-01"}
    bad["measures"]["bank-records"]["elements"][1]["code"] = "bank"
    bad["measures"]["testimony"]["elements"][0]["level"] = "optional"
    bad["general"]["certified_translation"]["value"] = "yes"
    bad["measures"]["freezing"] = {"scope": {"value": "x", "source": "s", "confirmed_on": "2999-01-01"}}
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(bad))
    audits = AuditEntry.objects.count()
    with pytest.raises(CommandError) as refused:
        run("import", str(file))
    report = str(refused.value)
    assert report.startswith("Nothing was imported:")
    for path in (
        "general.languages.source: This field is required.",
        "measures.bank-records.elements: ",
        "measures.testimony.elements.0.level: ",
        "general.certified_translation.value: Give true or false.",
        "measures.freezing.scope.confirmed_on: The date 2999-01-01 is in the future.",
    ):
        assert path in report, (path, report)
    assert "appears twice" in report
    assert Profile.objects.get(country="CH").document == document("CH")
    assert (ProfileVersion.objects.count(), AuditEntry.objects.count()) == (1, audits)


@pytest.mark.django_db
def test_a_file_that_is_not_a_profile(tmp_path):
    file = tmp_path / "x.json"
    for content, expected in (
        ("{not json", "(file): This is not JSON"),
        ("[]", "(file): A profile is a JSON object"),
    ):
        file.write_text(content)
        with pytest.raises(CommandError, match=expected.replace("(", r"\(").replace(")", r"\)")):
            run("import", str(file))
    file.write_text(json.dumps({"country": "CH"}))
    with pytest.raises(CommandError, match="format: This field is required"):
        run("import", str(file))
    with pytest.raises(CommandError, match="country: NG has no requirement profile"):
        run("export", "-", "--country", "NG")
    assert not Profile.objects.exists()


@pytest.mark.django_db
def test_national_offences_export_then_import_give_the_same_list(tmp_path):
    national_offences_import(actor=None, raw=CH_OFFENCES)
    first = tmp_path / "ch-offences.json"
    assert "Exported the national offences of CH." in run("export-offences", str(first), "--country", "ch")
    assert json.loads(first.read_text()) == CH_OFFENCES
    NationalOffence.objects.all().delete()
    assert "Imported 3 national offences." in run("import-offences", str(first))
    second = tmp_path / "again.json"
    run("export-offences", str(second), "--country", "CH")
    assert second.read_bytes() == first.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(CH_OFFENCES | {"offences": [CH_OFFENCES["offences"][0] | {"conduct": ["theft"]}]})
    )
    with pytest.raises(CommandError, match=r"offences\.0\.conduct\.0: .*theft"):
        run("import-offences", str(bad))
    assert NationalOffence.objects.count() == 3
