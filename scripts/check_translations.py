"""Check one language's catalogues in a checkout: untranslated/fuzzy entries, placeholders, msgfmt.

Usage: .venv/bin/python scripts/check_translations.py LANG . [--list N]
LANG is the catalogue directory name: ar, es, fr, ru, zh_Hans.
"""
import re, subprocess, sys, tempfile
from pathlib import Path
import polib

PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")
def ph(t): return set(PLACEHOLDER.findall(t.replace("%%", "")))

lang, root = sys.argv[1], Path(sys.argv[2])
show = int(sys.argv[sys.argv.index("--list") + 1]) if "--list" in sys.argv else 10
paths = sorted((root / "src/comity").glob(f"**/locale/{lang}/LC_MESSAGES/django.po"))
missing, broken, total = [], [], 0
for p in paths:
    for e in polib.pofile(str(p)):
        if e.obsolete: continue
        total += 1
        forms = [e.msgstr] if not e.msgid_plural else [e.msgstr_plural[i] for i in sorted(e.msgstr_plural)]
        if "fuzzy" in e.flags or not all(f.strip() for f in forms):
            missing.append(f"{p.relative_to(root)}: {e.msgid[:70]!r}")
        if e.msgid_plural:
            want = ph(e.msgid) | ph(e.msgid_plural)
            for i, f in enumerate(forms):
                got = ph(f)
                if f and (not got <= want or (i == len(forms) - 1 and got != want)):
                    broken.append(f"{p.relative_to(root)}: {e.msgid[:50]!r} form {i}: {sorted(got)} for {sorted(want)}")
        elif e.msgstr and ph(e.msgstr) != ph(e.msgid):
            broken.append(f"{p.relative_to(root)}: {e.msgid[:50]!r}: {sorted(ph(e.msgstr))} for {sorted(ph(e.msgid))}")
    with tempfile.NamedTemporaryFile(suffix=".mo") as out:
        done = subprocess.run(["msgfmt", "--check-format", "--check-header", "-o", out.name, str(p)], capture_output=True, text=True)
        if done.returncode: broken.append(f"{p.relative_to(root)}: msgfmt: {done.stderr.strip()[:300]}")
print(f"{lang}: {len(paths)} catalogues, {total} messages, {len(missing)} untranslated or fuzzy, {len(broken)} broken")
for line in missing[:show]: print("  untranslated:", line)
for line in broken[:show]: print("  broken:", line)
sys.exit(1 if missing or broken else 0)
