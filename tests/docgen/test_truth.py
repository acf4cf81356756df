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
from kubeflow_devtools.docgen.config import KATIB, TRAINING
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
    # nor anywhere outside code: the SDK's text has it only as a placeholder in a command
    # (`curl <db-manager-address>`)
    for path in _pages(sdk_site):
        assert "db-manager-address" not in _text_outside_code(soup(path)), path.name


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
    for sdk in (KATIB, TRAINING):
        package, targets = sdk_target(sdk)
        linted |= {(p.rule, p.object, p.message) for p in lint(package, targets).problems}
    # the classes signatures name, which the build documents where they are defined, are
    # linted too (lint finds them statically)
    types = {t.path for inv in sdk_site.inventories for t in inv.types}
    assert len(types) == 4
    assert types <= {row[1] for row in linted}
    built = {(d["kind"], d["object"], d["message"]) for d in sdk_site.defects}
    assert len(linted) > 30
    assert {row for row in built if row[0] in RULE_IDS} == linted


def _source_defaults(function: object) -> dict[str, object]:
    """A function's defaults as Python evaluated them (``__defaults__``/``__kwdefaults__``,
    which autodoc leaves alone; it replaces ``__signature__``)."""
    code = function.__code__  # type: ignore[attr-defined]
    names = code.co_varnames[: code.co_argcount]
    positional = function.__defaults__ or ()  # type: ignore[attr-defined]
    found = dict(zip(names[len(names) - len(positional) :], positional, strict=True))
    found.update(function.__kwdefaults__ or {})  # type: ignore[attr-defined]
    return found


def _shown_defaults(dt: Tag) -> dict[str, Tag]:
    shown = {}
    for param in dt.find_all("em", class_="sig-param"):
        name = param.find("span", class_="n")
        default = param.find("span", class_="default_value")
        if name is not None and default is not None:
            shown[name.get_text()] = default
    return shown


@pytest.mark.parametrize(
    ("module", "cls", "page"),
    [
        ("kubeflow.katib", "KatibClient", "katib/KatibClient.html"),
        ("kubeflow.training", "TrainingClient", "training/TrainingClient.html"),
    ],
)
def test_constant_defaults_show_their_value(
    sdk_site: BuildResult, module: str, cls: str, page: str
) -> None:
    """Every default written as a module constant (``timeout=constants.DEFAULT_TIMEOUT``)
    shows the value Python gives it (``timeout=120``)."""
    import importlib

    client = getattr(importlib.import_module(module), cls)
    html = soup(sdk_site.html / page)
    timeouts = 0
    for name, function in vars(client).items():
        if name.startswith("_") or not inspect.isfunction(function):
            continue
        source = inspect.getsource(function)
        shown = _shown_defaults(entry(html, f"{module}.{cls}.{name}"))
        for param, value in _source_defaults(function).items():
            if re.search(rf"\b{param}\s*(:[^=]*)?=\s*constants\.[A-Z_]+\s*[,)]", source):
                assert shown[param].get_text() == repr(value), (name, param)
                timeouts += param == "timeout"
    assert timeouts > 10


def test_a_documented_constant_default_links_to_its_entry(sdk_site: BuildResult) -> None:
    from kubeflow.katib import KatibClient
    from kubeflow.training import TrainingClient

    page = soup(sdk_site.html / "training/TrainingClient.html")
    shown = _shown_defaults(entry(page, "kubeflow.training.TrainingClient.get_job_logs"))
    timeout = _source_defaults(TrainingClient.get_job_logs)["timeout"]
    assert shown["timeout"].get_text() == repr(timeout) == "120"
    link = shown["timeout"].find("a")
    assert link is not None
    assert link["href"] == "constants.html#kubeflow.training.constants.constants.DEFAULT_TIMEOUT"
    katib = soup(sdk_site.html / "katib/KatibClient.html")
    tune = _shown_defaults(entry(katib, "kubeflow.katib.KatibClient.tune"))
    image = _source_defaults(KatibClient.tune)["base_image"]
    assert tune["base_image"].get_text() == repr(image)
    assert (
        tune["base_image"].find("a")["href"] == "constants.html#kubeflow.katib.BASE_IMAGE_PYTORCH"
    )
    # a dict written with constants shows their values
    storage = _source_defaults(KatibClient.tune)["storage_config"]
    assert tune["storage_config"].get_text() == repr(storage)


def test_signatures_show_types_and_return_type_one_parameter_per_line(
    sdk_site: BuildResult,
) -> None:
    from kubeflow.training import TrainingClient

    page = soup(sdk_site.html / "training/TrainingClient.html")
    dt = entry(page, "kubeflow.training.TrainingClient.get_job_logs")
    hints = TrainingClient.get_job_logs.__annotations__
    annotations = {
        p.find("span", class_="n").get_text(): p for p in dt.find_all("em", class_="sig-param")
    }
    assert set(annotations) == set(hints) - {"return"}
    for name, param in annotations.items():
        shown = param.get_text().split(":", 1)[1].split("=")[0]
        assert shown.strip(), name  # every parameter shows its annotation
    returns = dt.find("span", class_="sig-return")
    assert returns is not None
    expected = str(hints["return"]).replace("typing.", "")
    assert returns.get_text().replace("→", "").replace(" ", "") == expected.replace(" ", "")
    # a long signature: one parameter per line
    katib = soup(sdk_site.html / "katib/KatibClient.html")
    tune = entry(katib, "kubeflow.katib.KatibClient.tune")
    assert len(tune.select("dl > dd > em.sig-param")) == len(params_of(tune)) > 20


def test_constants_show_value_and_type_not_the_values_class_docs(sdk_site: BuildResult) -> None:
    from kubeflow.training.constants import constants

    page = soup(sdk_site.html / "training/constants.html")
    dt = entry(page, "kubeflow.training.constants.constants.STORAGE_INITIALIZER_VOLUME_MOUNT")
    body = body_of(dt).get_text(" ")
    value = constants.STORAGE_INITIALIZER_VOLUME_MOUNT
    assert type(value).__name__ == "V1VolumeMount"
    assert (type(value).__doc__ or "").split(".")[0].strip() not in body
    assert "openapi_types" not in page.get_text() and "attribute_map" not in page.get_text()
    assert "V1VolumeMount" in body
    assert value.mount_path in dt.get_text()
    timeout = entry(page, "kubeflow.training.constants.constants.DEFAULT_TIMEOUT")
    assert repr(constants.DEFAULT_TIMEOUT) in timeout.get_text()
    assert "int" in body_of(timeout).get_text()


def _forward_names(annotation: object) -> set[str]:
    import typing

    if isinstance(annotation, typing.ForwardRef):
        return {annotation.__forward_arg__}
    names: set[str] = set()
    for arg in typing.get_args(annotation):
        names |= _forward_names(arg)
    return names


def test_types_in_signatures_have_pages_linked_from_tune_and_train(
    sdk_site: BuildResult,
) -> None:
    """``tune``'s annotations name classes its module never imports; ``tune`` imports them in
    its body. Each gets a page where it is defined, linked from ``tune``'s signature and from
    ``train``'s text, which names them by their path."""
    import ast

    from kubeflow.katib import KatibClient

    names: set[str] = set()
    for annotation in KatibClient.tune.__annotations__.values():
        names |= _forward_names(annotation)
    assert names == {
        "HuggingFaceModelParams",
        "HuggingFaceDatasetParams",
        "HuggingFaceTrainerParams",
        "S3DatasetParams",
    }
    defined = {
        alias.name: f"{node.module}.{alias.name}"
        for node in ast.walk(
            ast.parse(inspect.cleandoc("\n" + inspect.getsource(KatibClient.tune)))
        )
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
        if alias.name in names
    }
    assert set(defined) == names
    tune = entry(soup(sdk_site.html / "katib/KatibClient.html"), "kubeflow.katib.KatibClient.tune")
    signature_links = {a.get_text(): a["href"] for a in tune.find_all("a")}
    train = entry(
        soup(sdk_site.html / "training/TrainingClient.html"),
        "kubeflow.training.TrainingClient.train",
    )
    train_links = {a["href"].rpartition("#")[2] for a in body_of(train).find_all("a")}
    for name, canonical in defined.items():
        page = sdk_site.html / "katib" / f"{name}.html"
        assert page.is_file(), name
        entry(soup(page), canonical)  # the class is documented on it, at its defining path
        assert signature_links[name] == f"{name}.html#{canonical}"
        assert canonical in train_links, name
    kinds = {(d["object"], d["kind"]) for d in sdk_site.defects}
    for canonical in defined.values():  # the SDK's fault: no docstring
        assert (canonical, "missing-docstring") in kinds
    assert not [
        d
        for d in sdk_site.defects
        if d["kind"] == "reference" and d["message"].split("'")[1] in names
    ]


def test_a_dataclass_page_lists_its_fields_and_no_constructor_return(
    sdk_site: BuildResult,
) -> None:
    """``TrainerResources`` (no docstring) shows its fields with their types; a class's
    signature has no return type."""
    import dataclasses

    from kubeflow.katib import TrainerResources

    page = soup(sdk_site.html / "katib/TrainerResources.html")
    dt = entry(page, "kubeflow.katib.TrainerResources")
    assert dt.find("span", class_="sig-return") is None
    for field in dataclasses.fields(TrainerResources):
        entry(page, f"kubeflow.katib.TrainerResources.{field.name}")
