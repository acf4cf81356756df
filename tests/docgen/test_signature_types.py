"""Classes that public signatures name get pages, wherever they are defined; what cannot get
one is a defect naming the signature (``tests/docgen/fixtures/typesdk``)."""

from __future__ import annotations

import pytest

from kubeflow_devtools.docgen.build import BuildResult, build
from kubeflow_devtools.docgen.config import adhoc_sdk
from kubeflow_devtools.docgen.inventory import collect
from kubeflow_devtools.docgen.signature_types import add_pages
from tests.docgen.helpers import body_of, entry, soup


@pytest.fixture(scope="module")
def typesdk_site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """``docgen build --package typesdk``."""
    return build([adhoc_sdk("typesdk")], tmp_path_factory.mktemp("typesdk"))


def test_signature_types_are_found_where_the_code_defines_them() -> None:
    inventories, found, mocked = add_pages([collect(adhoc_sdk("typesdk"))])
    from typesdk.options import Options

    assert "Options" not in __import__("typesdk").__all__
    by_name = {(t.owner, t.name): t.canonical for t in found}
    assert by_name[("typesdk.run", "Options")] == f"{Options.__module__}.Options"
    # a string naming a class the function imports in its body
    assert by_name[("typesdk.tune", "Params")] == "typesdk.models.params.Params"
    # a name nothing defines
    assert by_name[("typesdk.tune", "Nowhere")] is None
    # names its module imports only for type checkers, inside larger annotations
    assert by_name[("typesdk.plan", "Limits")] == "typesdk.models.limits.Limits"
    assert by_name[("typesdk.plan", "Params")] == "typesdk.models.params.Params"  # as Knobs
    assert [o.path for o in inventories[0].types] == [
        "typesdk.models.limits.Limits",  # in the order of the signatures (plan, run, tune)
        "typesdk.models.params.Params",
        "typesdk.options.Options",
    ]
    assert mocked == ["typesdk_missing_dependency"]  # Params' module needs it, not installed


def test_pages_and_links(typesdk_site: BuildResult) -> None:
    html = typesdk_site.html / "typesdk"
    assert (html / "Options.html").is_file() and (html / "Params.html").is_file()
    tune = soup(html / "tune.html")
    dt = entry(tune, "typesdk.tune")
    links = {a.get_text(): a["href"] for a in dt.find_all("a")}
    assert links["Params"] == "Params.html#typesdk.models.params.Params"
    # the docstring's inline code naming the class links to its page too
    body = {a.get_text(): a["href"] for a in body_of(dt).find_all("a")}
    assert body["typesdk.models.params.Params"] == "Params.html#typesdk.models.params.Params"
    run = entry(soup(html / "run.html"), "typesdk.run")
    assert {a.get_text(): a["href"] for a in run.find_all("a")}["Options"] == (
        "Options.html#typesdk.options.Options"
    )
    plan = entry(soup(html / "plan.html"), "typesdk.plan")
    links = {a["href"] for a in plan.find_all("a") if a.get_text() == "Limits"}
    assert links == {"Limits.html#typesdk.models.limits.Limits"}  # parameter and return type
    index = soup(html / "index.html").get_text()
    assert "Types in signatures" in index


def test_a_type_without_a_page_is_a_defect_naming_the_signature(
    typesdk_site: BuildResult,
) -> None:
    rows = [(d["object"], d["kind"], d["message"]) for d in typesdk_site.defects]
    assert (
        "typesdk.tune",
        "unlinked-type",
        "the signature names 'Nowhere', which has no page: its module neither defines nor "
        "imports it",
    ) in rows
    assert not [r for r in rows if r[1] == "unlinked-type" and r[0] != "typesdk.tune"]


def test_a_mocked_dependency_stays_missing(typesdk_site: BuildResult) -> None:
    """Mocking is for reading the class: the module is not importable afterwards."""
    with pytest.raises(ModuleNotFoundError):
        __import__("typesdk_missing_dependency")


def test_lint_checks_the_same_objects_statically(typesdk_site: BuildResult) -> None:
    """``docgen lint`` finds the same classes from source (griffe, nothing imported: the
    missing dependency does not matter) and reports what the build reports of lint's rules."""
    from kubeflow_devtools.docgen.lint import RULES, collect, lint

    paths = {obj.path for obj in collect("typesdk")}
    assert {"typesdk.options.Options", "typesdk.models.params.Params"} <= paths
    documented = {t.path for inv in typesdk_site.inventories for t in inv.types}
    assert documented <= paths
    ids = {rule.id for rule in RULES}
    built = {(d["kind"], d["object"], d["message"]) for d in typesdk_site.defects}
    linted = {(p.rule, p.object, p.message) for p in lint("typesdk").problems}
    assert {row for row in built if row[0] in ids} == linted
