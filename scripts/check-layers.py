#!/usr/bin/env python3
"""The core's layers, checked (ARCHITECTURE.md, "Layers").

Every file of crates/clinic-core/src belongs to one unit: a primitive (a top-level file
such as `clock.rs`), a piece of plumbing (`store`, `workstation`, `session`, `signin`) or
a feature (`identity`, `frontdesk::patients`, ...). A unit may use only the units listed
before it in ORDER, so the order is both the layering and the proof that no two core
modules use each other. A file that belongs to no unit is refused too: a new feature is
added to ORDER where it sits.
"""
import re
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "crates/clinic-core/src"

# Lowest first. Primitives use no session; plumbing uses no feature; a feature uses the
# plumbing and the features before it.
PRIMITIVES = ["error", "clock", "ids", "actor", "hlc", "money", "clinic_time", "envelope",
              "private_files", "printing", "keyfile", "totp", "policy", "validate"]
PLUMBING = ["store", "workstation", "session", "signin"]
FEATURES = ["identity",
            "frontdesk::patients", "frontdesk::doctors", "frontdesk::appointments",
            "clinical::access", "clinical::allergies", "clinical::encounters", "clinical::notes", "clinical::vitals",
            "clinical::diagnoses", "clinical::drugs", "clinical::lab", "clinical::prescriptions", "clinical::chart",
            "pharmacy::stock", "pharmacy::dispensing",
            "billing::invoices", "billing::insurance", "billing::reports",
            "sync",
            "clinical::attachments",
            "interop::fhir",
            "documents",
            "maintenance::backup", "maintenance::backup_schedule", "maintenance::rekey",
            "demo"]
ORDER = PRIMITIVES + PLUMBING + FEATURES
AREAS = {"frontdesk", "clinical", "maintenance", "pharmacy", "billing", "interop"}  # folders that only group features


def unit_of(path: Path) -> str | None:
    parts = list(path.relative_to(CORE).with_suffix("").parts)
    if parts == ["lib"]:
        return None
    if parts[-1] == "mod":
        parts.pop()
    if parts[0] in AREAS:
        if len(parts) == 1:
            return None  # the area's mod.rs only declares its features
        return f"{parts[0]}::{parts[1]}"
    return parts[0]


def used_units(text: str) -> set[str]:
    found = set()
    for m in re.finditer(r"\bcrate::([a-z_]+)(?:::([a-z_]+))?", text):
        first, second = m.group(1), m.group(2)
        if first in AREAS:
            if second:
                found.add(f"{first}::{second}")
        else:
            found.add(first)
    return found


def main() -> int:
    rank = {u: i for i, u in enumerate(ORDER)}
    problems = []
    for path in sorted(CORE.rglob("*.rs")):
        unit = unit_of(path)
        if unit is None:
            continue
        if unit not in rank:
            problems.append(f"{path.relative_to(CORE)}: unit `{unit}` is not placed in the layers (scripts/check-layers.py ORDER)")
            continue
        # Tests may reach anywhere; the layers bind the code that ships.
        text = re.split(r"#\[cfg\(test\)\]\s*mod tests", path.read_text())[0]
        # Documentation may point anywhere (a link up is not a use).
        text = re.sub(r"//.*", "", text)
        for used in sorted(used_units(text)):
            if used == unit or used not in rank:
                continue
            if rank[used] > rank[unit]:
                problems.append(f"{path.relative_to(CORE)}: `{unit}` uses `crate::{used}`, which sits above it")
    for p in problems:
        print(f"layer broken: {p}", file=sys.stderr)
    if not problems:
        print("core layers hold: " + " < ".join(ORDER))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
