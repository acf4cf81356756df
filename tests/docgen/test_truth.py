"""The real Katib 0.19.0 and Training 1.9.0 references tell what the code says, and the build
reports the same defects as ``docgen lint`` on the same objects.

Expectations come from the installed SDKs (``inspect``), not from docgen's output.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from kubeflow_devtools.docgen.build import BuildResult
from kubeflow_devtools.docgen.config import DEFAULTS
from kubeflow_devtools.docgen.lint import RULES, lint
from kubeflow_devtools.docgen.lint.cli import sdk_target
from tests.docgen.helpers import body_of, entry, params_of, soup

pytestmark = pytest.mark.slow

RULE_IDS = {rule.id for rule in RULES}


def _fields(dd: Tag) -> dict[str, Tag]:
    """The field list of an entry's body (Parameters, Returns, Return type...), by name."""
    found: dict[str, Tag] = {}
    for field_list in dd.find_all("dl", class_="field-list", recursive=False):
        for dt in field_list.find_all("dt", recursive=False):
            dd_field = dt.find_next_sibling("dd")
            assert isinstance(dd_field, Tag)
            found[dt.get_text().rstrip(":").strip()] = dd_field
    return found


def _documented_parameters(dd: Tag) -> list[str]:
    field = _fields(dd).get("Parameters")
    if field is None:
        return []
    return [
        strong.get_text()
        for li in field.find_all("li")
        for strong in li.find_all("strong", limit=1)
    ]


def _pages(site: BuildResult) -> list[Path]:
    return sorted(site.html.rglob("*.html"))


def _text_outside_code(page: BeautifulSoup) -> str:
    """The prose of a page: no code, no signatures (a constant's value may be ``'TODO'``)."""
    for code in page.select("pre, code, dt.sig"):
        code.decompose()
    return page.get_text(" ")


def test_get_job_logs_shows_the_annotated_return_type(sdk_site: BuildResult) -> None:
    from kubeflow.training import TrainingClient

    annotation = inspect.signature(TrainingClient.get_job_logs).return_annotation
    expected = re.sub(r"\s+", "", str(annotation).replace("typing.", ""))
    assert expected == "Tuple[Dict[str,str],Dict[str,List[str]]]"  # the installed release
    page = soup(sdk_site.html / "training/TrainingClient.html")
    fields = _fields(body_of(entry(page, "kubeflow.training.TrainingClient.get_job_logs")))
    assert re.sub(r"\s+", "", fields["Return type"].get_text()) == expected
    # the docstring's contradicting type is not shown as the type of the return value
    assert not fields["Returns"].get_text().lstrip().startswith("Dict")


def test_no_page_documents_a_parameter_the_signature_lacks(sdk_site: BuildResult) -> None:
    checked = 0
    for path in _pages(sdk_site):
        page = soup(path)
        for dt in page.select("dl.py > dt[id]"):
            documented = _documented_parameters(body_of(dt))
            real = set(params_of(dt))
            assert set(documented) <= real, (dt["id"], sorted(set(documented) - real))
            checked += bool(documented)
    assert checked > 40
    page = soup(sdk_site.html / "training/TrainingClient.html")
    logs = body_of(entry(page, "kubeflow.training.TrainingClient.get_job_logs"))
    assert "container" not in _documented_parameters(logs)
    katib = soup(sdk_site.html / "katib/KatibClient.html")
    metrics = body_of(entry(katib, "kubeflow.katib.KatibClient.get_trial_metrics"))
    # the misspelt entry is the real parameter's, under its real name
    from kubeflow.katib import KatibClient

    assert "db_manager_address" in inspect.signature(KatibClient.get_trial_metrics).parameters
    assert "db_manager_address" in _documented_parameters(metrics)
    assert "db-manager-address" not in _documented_parameters(metrics)


def test_undocumented_real_parameters_are_listed_as_such(sdk_site: BuildResult) -> None:
    from kubeflow.katib import report_metrics

    assert "db_manager_address" in inspect.signature(report_metrics).parameters
    page = soup(sdk_site.html / "katib/report_metrics.html")
    body = body_of(entry(page, "kubeflow.katib.report_metrics"))
    assert "db_manager_address" in _documented_parameters(body)


def test_no_todo_and_no_stray_backtick_on_any_page(sdk_site: BuildResult) -> None:
    for path in _pages(sdk_site):
        text = _text_outside_code(soup(path))
        assert not re.search(r"\b(TODO|FIXME|XXX)\b", text), path.name
        assert "`" not in text, path.name
    for path in sorted((sdk_site.hugo).rglob("*.md")):
        prose = re.sub(r"```.*?```|`[^`]*`", "", path.read_text(encoding="utf-8"), flags=re.S)
        assert not re.search(r"\b(TODO|FIXME)\b", prose), path
    assert "TODO" not in (sdk_site.html / "searchindex.js").read_text(encoding="utf-8")
    train = soup(sdk_site.html / "training/TrainingClient.html")
    body = body_of(entry(train, "kubeflow.training.TrainingClient.train")).get_text(" ")
    assert body.lstrip().startswith("High level API to fine-tune LLMs with distributed PyTorchJob.")


def test_the_sdks_faults_are_in_defects_json(sdk_site: BuildResult) -> None:
    found = {(d["object"], d["kind"]) for d in sdk_site.defects}
    for expected in [
        ("kubeflow.katib.KatibClient.get_trial_metrics", "unknown-parameter"),
        ("kubeflow.katib.KatibClient.get_trial_metrics", "undocumented-parameter"),
        ("kubeflow.katib.KatibClient.get_trial_metrics", "broken-markup"),
        ("kubeflow.training.TrainingClient.get_job_logs", "unknown-parameter"),
        ("kubeflow.training.TrainingClient.get_job_logs", "returns-mismatch"),
        ("kubeflow.training.TrainingClient.train", "todo-in-docstring"),
    ]:
        assert expected in found


def test_build_and_lint_report_the_same_defects(sdk_site: BuildResult) -> None:
    """Every problem ``docgen lint`` finds in the SDKs' documented API is a defect of the build,
    with the same rule id, object and message, and the build reports no other defect of those
    kinds."""
    linted: set[tuple[str, str, str]] = set()
    for sdk in DEFAULTS.values():
        package, targets = sdk_target(sdk)
        linted |= {(p.rule, p.object, p.message) for p in lint(package, targets).problems}
    built = {(d["kind"], d["object"], d["message"]) for d in sdk_site.defects}
    assert len(linted) > 30
    assert {row for row in built if row[0] in RULE_IDS} == linted
