"""The entity catalogue (models.entities) and the recognizers agree: every type a recognizer can
report is in the catalogue, in the ENTITIES of the module that reports it, and every catalogued
type is reported by some recognizer."""

from __future__ import annotations

import subprocess
import sys

from models import entities
from models.recognizers import MODULES


def test_every_catalogued_type_is_declared_by_exactly_one_recognizer_module():
    declared = [t for module in MODULES for t in module.ENTITIES]
    assert len(declared) == len(set(declared))  # no type in two modules
    assert declared == list(entities.CATALOGUE.values())  # same types, same order


def test_each_module_reports_only_what_it_declares_and_declares_only_what_it_reports():
    for module in MODULES:
        declared = {t.name for t in module.ENTITIES}
        reported = {e for r in module.recognizers() for e in r.supported_entities}
        assert reported == declared, module.__name__


def test_catalogue_rows_are_consistent():
    for name, t in entities.CATALOGUE.items():
        assert t.name == name
        assert t.family in ("identifier", "clinical", "administrative")
        assert t.label and t.description
        assert entities.get(name) is t and entities.is_known(name)
    assert not entities.is_known("NOT_A_TYPE")


def test_the_catalogue_loads_no_nlp():
    """Validating a policy needs the catalogue only: neither spaCy nor Presidio is imported."""
    code = (
        "import sys; from proxy.policy import load_policy; load_policy(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'presidio_analyzer')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
