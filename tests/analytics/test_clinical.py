"""Clinical findings become classes: conditions by ICD-10-CM chapter, medications by class."""

from __future__ import annotations

import pytest
import simple_icd_10_cm as icd

from proxy.analytics import clinical


def test_every_condition_code_is_real_and_its_chapter_matches_the_icd_tables():
    for term, code in clinical.condition_codes().items():
        assert icd.is_valid_item(code), (term, code)
        chapter = icd.get_ancestors(code)[-1]
        mine = clinical.chapter_of(code)
        assert mine is not None and str(mine.number) == chapter, (term, code)


@pytest.mark.parametrize(
    ("term", "chapter"),
    [
        ("diabetes", 4),
        ("Type 2 Diabetes", 4),
        ("uncontrolled type 2 diabetes", 4),
        ("HIV", 1),
        ("breast cancer", 2),
        ("depression", 5),
        ("asthma", 10),
        ("high blood pressure", 9),
    ],
)
def test_conditions_map_to_their_icd10_chapter(term, chapter):
    assert clinical.condition_class(term).startswith(f"ICD-10 ch.{chapter}:")


def test_an_unknown_condition_is_unclassified_not_named():
    assert clinical.condition_class("zorblax syndrome") == clinical.UNCLASSIFIED_CONDITION


@pytest.mark.parametrize(
    ("term", "cls"),
    [
        ("metformin 500 mg", "biguanide"),
        ("lisinopril", "ACE inhibitor"),
        ("Atorvastatin 20mg", "statin"),
        ("losartan", "angiotensin II receptor blocker"),
        ("metoprolol", "beta blocker"),
        ("ritonavir", "antiretroviral"),  # the longer stem wins over "-vir"
        ("acyclovir", "antiviral"),
        ("cephalexin", "cephalosporin antibiotic"),
        ("Ozempic", "GLP-1 receptor agonist"),
        ("insulin glargine", "insulin"),
    ],
)
def test_medications_map_to_a_class(term, cls):
    assert clinical.medication_class(term) == cls


def test_an_unknown_medication_is_unclassified():
    assert clinical.medication_class("zz-17 drops") == clinical.UNCLASSIFIED_MEDICATION


def test_classes_are_distinct_and_sorted():
    assert clinical.classes("MEDICATION", ["metformin", "Metformin XR", "lisinopril"]) == [
        "ACE inhibitor",
        "biguanide",
    ]
