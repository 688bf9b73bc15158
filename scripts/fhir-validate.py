#!/usr/bin/env python3
"""Validates FHIR R4 JSON Bundles with an independent implementation of the standard.

    fhir-validate.py FILE...

Each FILE must hold one Bundle. It is parsed with the `fhir.resources` R4B models (R4B
shares R4's definitions of every resource the clinic exports), the Bundle as a whole
and then each entry's resource by its own model, so that an error names the resource
(`entry[3] Observation/<id>`) and the field. Also checked, as the models do not: the
codes of the required bindings the export uses (statuses, gender, intent), every
entry's `fullUrl` is `urn:uuid:<its id>`, and every `reference` in the bundle points at
one of its entries.

Exit status 0 when every file is valid, 1 when any is not (each problem on stderr), 2 on
a usage error or when `fhir.resources` is missing (scripts/lib.sh's
`ensure_fhir_validator` makes a virtual environment with the pinned version).
"""
import json
import sys

try:
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.bundle import Bundle
except ImportError as e:  # pragma: no cover - the environment, not the bundle
    print(f"fhir-validate: fhir.resources (with its R4B models) is not installed: {e}; "
          "run scripts/lib.sh's ensure_fhir_validator", file=sys.stderr)
    sys.exit(2)


# fhir.resources checks structure, cardinality and datatypes but not the values of
# codes. These are the elements with a required binding that the clinic's export uses,
# with their value sets (FHIR R4), so a misspelt status is refused too.
REQUIRED_CODES = {
    ("Bundle", "type"): {"document", "message", "transaction", "transaction-response", "batch",
                         "batch-response", "history", "searchset", "collection"},
    ("Patient", "gender"): {"male", "female", "other", "unknown"},
    ("Encounter", "status"): {"planned", "arrived", "triaged", "in-progress", "onleave", "finished",
                              "cancelled", "entered-in-error", "unknown"},
    ("Condition", "clinicalStatus"): {"active", "recurrence", "relapse", "inactive", "remission",
                                      "resolved"},
    ("Condition", "verificationStatus"): {"unconfirmed", "provisional", "differential", "confirmed",
                                          "refuted", "entered-in-error"},
    ("AllergyIntolerance", "clinicalStatus"): {"active", "inactive", "resolved"},
    ("AllergyIntolerance", "verificationStatus"): {"unconfirmed", "confirmed", "refuted",
                                                   "entered-in-error"},
    ("Observation", "status"): {"registered", "preliminary", "final", "amended", "corrected",
                                "cancelled", "entered-in-error", "unknown"},
    ("DiagnosticReport", "status"): {"registered", "partial", "preliminary", "final", "amended",
                                     "corrected", "appended", "cancelled", "entered-in-error",
                                     "unknown"},
    ("MedicationRequest", "status"): {"active", "on-hold", "cancelled", "completed",
                                      "entered-in-error", "stopped", "draft", "unknown"},
    ("MedicationRequest", "intent"): {"proposal", "plan", "order", "original-order",
                                      "reflex-order", "filler-order", "instance-order", "option"},
    ("DocumentReference", "status"): {"current", "superseded", "entered-in-error"},
}


def code_problems(resource):
    """Codes outside their required value set, as messages."""
    kind = resource.get("resourceType")
    found = []
    for (k, field), allowed in REQUIRED_CODES.items():
        if k != kind or field not in resource:
            continue
        value = resource[field]
        codes = [c.get("code") for c in value.get("coding", [])] if isinstance(value, dict) else [value]
        found += [f"{field} {c!r} is not one of FHIR's codes" for c in codes if c not in allowed]
    if kind == "AllergyIntolerance":
        for i, reaction in enumerate(resource.get("reaction") or []):
            severity = reaction.get("severity")
            if severity is not None and severity not in {"mild", "moderate", "severe"}:
                found.append(f"reaction[{i}].severity {severity!r} is not one of FHIR's codes")
    return found


def references(node, path="$"):
    """Every `reference` string in a JSON tree, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield path, value
            else:
                yield from references(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from references(value, f"{path}[{i}]")


def validate(path):
    problems = []
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        return [f"{path}: not readable JSON: {e}"]
    if data.get("resourceType") != "Bundle":
        return [f"{path}: resourceType is {data.get('resourceType')!r}, not 'Bundle'"]
    try:
        Bundle.model_validate(data)
    except Exception as e:  # pydantic's ValidationError, and FHIR's own checks
        problems.append(f"{path}: Bundle: {e}")
    problems += [f"{path}: Bundle: {p}" for p in code_problems(data)]
    full_urls = set()
    for i, entry in enumerate(data.get("entry") or []):
        resource = entry.get("resource") or {}
        kind = resource.get("resourceType", "?")
        rid = resource.get("id", "?")
        where = f"{path}: entry[{i}] {kind}/{rid}"
        try:
            get_fhir_model_class(kind).model_validate(resource)
        except Exception as e:
            problems.append(f"{where}: {e}")
        problems += [f"{where}: {p}" for p in code_problems(resource)]
        full_url = entry.get("fullUrl")
        if full_url != f"urn:uuid:{rid}":
            problems.append(f"{where}: fullUrl {full_url!r} is not urn:uuid:{rid}")
        full_urls.add(full_url)
    for where, ref in references(data):
        if ref not in full_urls:
            problems.append(f"{path}: {where}: reference {ref!r} points at no entry of the bundle")
    return problems


def main(argv):
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    problems = []
    for path in argv:
        found = validate(path)
        problems += found
        if not found:
            print(f"{path}: valid FHIR R4 Bundle")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
