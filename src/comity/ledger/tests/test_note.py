import base64

import pytest

from comity.ledger import note


def test_sign_and_open_round_trip_and_key_formats():
    signer = note.generate_signer("example.org/log")
    text = note.Checkpoint("example.org/log", 3, bytes(32)).text()
    signed = signer.sign(text)
    assert signed.startswith(text + "\n— example.org/log ")
    verifier = note.parse_verifier_key(signer.verifier_key)
    assert note.open_note(signed, verifier) == text
    name, key_id, key = signer.verifier_key.split("+", 2)
    assert (name, len(key_id), base64.b64decode(key)[0]) == ("example.org/log", 8, 1)
    again = note.parse_private_key(signer.private_key_text())
    assert again.verifier_key == signer.verifier_key


def test_keys_whose_base64_holds_a_plus_still_parse():
    for _attempt in range(200):
        signer = note.generate_signer("n")
        if "+" in signer.private_key_text().split("+", 4)[4] or "+" in signer.verifier_key.split("+", 2)[2]:
            assert note.parse_private_key(signer.private_key_text()).verifier_key == signer.verifier_key
            assert note.parse_verifier_key(signer.verifier_key).name == "n"
            return
    pytest.fail("no key with '+' in its base64 in 200 tries")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda s: s.replace("\n3\n", "\n4\n"),
        lambda s: s.replace("— example.org/log ", "— other.org/log "),
        lambda s: s[:-10] + "AAAAAAAAA\n",
        lambda s: s.replace("\n\n", "\n"),
    ],
)
def test_a_tampered_note_is_refused(tamper):
    signer = note.generate_signer("example.org/log")
    signed = signer.sign(note.Checkpoint("example.org/log", 3, bytes(32)).text())
    with pytest.raises(note.NoteError):
        note.open_note(tamper(signed), note.parse_verifier_key(signer.verifier_key))


def test_another_key_is_refused():
    signed = note.generate_signer("example.org/log").sign("hello\n")
    with pytest.raises(note.NoteError, match="no signature"):
        note.open_note(signed, note.parse_verifier_key(note.generate_signer("example.org/log").verifier_key))


@pytest.mark.parametrize(
    "text",
    [
        "o\n12\n",
        "o\n-1\nAAAA\n",
        "o\n01\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "o\n1\n" + base64.b64encode(bytes(31)).decode() + "\n",
    ],
)
def test_malformed_checkpoints(text):
    with pytest.raises(note.NoteError):
        note.parse_checkpoint(text)


def test_bad_key_names_and_key_files(tmp_path):
    for name in ("", "a+b", "a b"):
        with pytest.raises(note.NoteError):
            note.generate_signer(name)
    signer = note.generate_signer("k")
    path = tmp_path / "key"
    note.write_key_file(path, signer)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(FileExistsError):
        note.write_key_file(path, signer)
