"""Each lint rule on its own fixture, against a reviewed snapshot of what it reports.

``fixtures/<rule module>.py`` (the rule id with ``_`` for ``-``) is a small module whose
objects named ``bad*`` must be reported by the rule and all others must not;
``fixtures/<rule module>.expected`` is the rule's report on it, one ``line: object: message``
per problem. After an intended change, regenerate with ``DOCGEN_UPDATE_GOLDEN=1 pytest
tests/docgen/lint`` and review the diff: the snapshots are the expected truth.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kubeflow_devtools.docgen.lint.engine import collect, lint_objects
from kubeflow_devtools.docgen.lint.model import Problem
from kubeflow_devtools.docgen.lint.rules import RULES, Rule

FIXTURES = Path(__file__).parent / "fixtures"
UPDATE = os.environ.get("DOCGEN_UPDATE_GOLDEN") == "1"


def fixture_of(rule: Rule) -> str:
    """The fixture module (and rule module) name of a rule."""
    return rule.id.replace("-", "_")


def run(rule: Rule) -> tuple[list[Problem], set[str]]:
    """What the rule alone reports on its fixture, and the public paths of the fixture."""
    objects = collect(fixture_of(rule), search_paths=[str(FIXTURES)])
    return lint_objects(objects, [rule.id]), {obj.path for obj in objects}


def snapshot(problems: list[Problem]) -> str:
    """The report as the ``.expected`` file holds it."""
    return "".join(f"{p.line}: {p.object}: {p.message}\n" for p in problems)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_reports_its_fixture_as_the_snapshot_says(rule: Rule) -> None:
    problems, _ = run(rule)
    expected = FIXTURES / f"{fixture_of(rule)}.expected"
    if UPDATE:
        expected.write_text(snapshot(problems), encoding="utf-8")
    assert expected.is_file(), f"no snapshot {expected.name}; run with DOCGEN_UPDATE_GOLDEN=1"
    assert snapshot(problems) == expected.read_text(encoding="utf-8")
    assert {p.rule for p in problems} == {rule.id}  # the engine stamps the rule's id


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_the_bad_objects_and_only_those_are_reported(rule: Rule) -> None:
    problems, paths = run(rule)
    bad = {path for path in paths if path.rsplit(".", 1)[-1].lower().startswith("bad")}
    assert bad, "the fixture has no bad* object"
    assert {p.object for p in problems} == bad
    assert len(paths - bad) >= 2, "the fixture has no object that must not be reported"


def test_every_rule_has_a_fixture_and_a_snapshot() -> None:
    rules = {fixture_of(rule) for rule in RULES}
    assert {path.stem for path in FIXTURES.glob("*.py")} == rules
    assert {path.stem for path in FIXTURES.glob("*.expected")} == rules


def test_rule_ids_are_unique_and_each_rule_is_documented() -> None:
    assert len({rule.id for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.title and rule.doc.strip(), rule.id
        assert rule.check.__module__.endswith(f".rules.{fixture_of(rule)}"), rule.id
