#!/usr/bin/env python3
"""Regenerate crates/clinic-icd10/data/icd10cm-2026.tsv from the CDC's ICD-10-CM tabular list.

The CDC/NCHS publish ICD-10-CM (the US clinical modification, public domain) as an XML
tabular list. Only package registries are reachable from our build machines, so the file
is taken from the `simple-icd-10-cm` wheel on PyPI, which ships the CDC's XML unchanged
together with the list of every valid code. Never feed this script WHO ICD-10 data: that
classification is not public domain.

    scripts/icd10cm-import.py                      # pip download the pinned wheel, then import
    scripts/icd10cm-import.py --wheel FILE.whl     # use a wheel already on disk

Output, one line per code, sorted by code, UTF-8, LF line ends:

    E11.9<TAB>Type 2 diabetes mellitus without complications<TAB>1

The third column is 1 for a billable code (a leaf: nothing more specific exists) and 0
for a category or subcategory that has more specific codes under it.

Every <diag> of the tabular list is written. Codes that need a seventh character (the
fractures, injuries and poisonings, some eye and obstetric codes) are not <diag> elements
in the XML: the tabular list gives a <sevenChrDef> on an ancestor instead. They are
expanded here the way the CDC's order file spells them: the nearest ancestor's
definition applies, a code shorter than six characters is padded with the placeholder X
(T36.0X1A), and the title is the leaf's title, a comma and the extension's meaning.
Extensions the CDC does not list as valid codes (the package's code list) are left out,
and a leaf that gains seventh-character codes is itself no longer billable.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

PACKAGE = "simple-icd-10-cm"
VERSION = "1.5.0"
XML_MEMBER = "simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml"
CODE_LIST_MEMBER = "simple_icd_10_cm/data/code-list-April-2026.txt"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "crates", "clinic-icd10", "data", "icd10cm-2026.tsv")


def download_wheel(directory):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", f"{PACKAGE}=={VERSION}",
         "--no-deps", "--only-binary", ":all:", "-d", directory],
        check=True,
    )
    wheels = [f for f in os.listdir(directory) if f.endswith(".whl")]
    if len(wheels) != 1:
        sys.exit(f"expected one wheel in {directory}, found {wheels}")
    return os.path.join(directory, wheels[0])


def text_of(element):
    # Titles are written on one line in the XML, but collapse any run of white space so
    # that a tab or a line break can never reach the TSV.
    return " ".join((element.text or "").split())


def seven_chr_def(diag):
    found = diag.find("sevenChrDef")
    if found is None:
        return None
    extensions = {}
    for ext in found.findall("extension"):
        extensions[ext.attrib["char"]] = text_of(ext)
    return extensions


def walk(diag, inherited, valid, rows):
    code = text_of(diag.find("name"))
    title = text_of(diag.find("desc"))
    own = seven_chr_def(diag)
    extensions = own if own is not None else inherited
    children = diag.findall("diag")
    if children:
        rows.append((code, title, False))
        for child in children:
            walk(child, extensions, valid, rows)
        return
    expanded = []
    if extensions:
        stem = code if "." in code else code + "."
        stem = stem.ljust(7, "X")
        for char, meaning in extensions.items():
            full = stem + char
            if full.replace(".", "") in valid:
                expanded.append((full, f"{title}, {meaning}", True))
    rows.append((code, title, not expanded))
    rows.extend(expanded)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", help=f"a {PACKAGE} wheel on disk (default: pip download {VERSION})")
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(tmp)
        with zipfile.ZipFile(wheel) as zf:
            xml = zf.read(XML_MEMBER)
            code_list = zf.read(CODE_LIST_MEMBER).decode("utf-8")

    valid = {line.split(" ")[0].replace(".", "") for line in code_list.splitlines() if line}
    root = ET.fromstring(xml)
    rows = []
    for chapter in root.findall("chapter"):
        for section in chapter.findall("section"):
            for diag in section.findall("diag"):
                walk(diag, None, valid, rows)

    codes = [code for code, _, _ in rows]
    if len(set(codes)) != len(codes):
        sys.exit("a code appears twice in the tabular list; refusing to write an ambiguous file")
    # Every code the CDC lists must be in the file, and nothing the CDC does not list.
    # Chapters ("1".."22") and blocks ("A00-A09") are in that list too but are not codes.
    listed = {c for c in valid if c and not c.isdigit() and "-" not in c}
    ours = {c.replace(".", "") for c in codes}
    if listed != ours:
        sys.exit(f"code list and tabular list disagree: {len(listed - ours)} only listed "
                 f"(e.g. {sorted(listed - ours)[:5]}), {len(ours - listed)} only in the XML "
                 f"(e.g. {sorted(ours - listed)[:5]})")

    rows.sort(key=lambda row: row[0])
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        for code, title, billable in rows:
            out.write(f"{code}\t{title}\t{1 if billable else 0}\n")
    billable = sum(1 for row in rows if row[2])
    print(f"wrote {args.out}: {len(rows)} codes, {billable} billable, "
          f"{os.path.getsize(args.out)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
