"""The real Katib and Training SDK references, built once per session from their releases."""

from __future__ import annotations

import importlib.metadata
import inspect
import time
from pathlib import Path

import pytest

from kubeflow_devtools.docgen.build import BuildResult, build
from kubeflow_devtools.docgen.config import KATIB, TRAINING
from tests.docgen.helpers import SDK_FORMATS, body_of, entry, params_of, soup

pytestmark = pytest.mark.slow


def _public_methods(cls: type) -> list[str]:
    return [
        name
        for name, value in vars(cls).items()
        if not name.startswith("_") and inspect.isfunction(value)
    ]


def test_build_is_clean_with_warnings_as_errors_and_nitpicky(sdk_site: BuildResult) -> None:
    assert sdk_site.warnings == ()
    assert not sdk_site.skipped
    assert (sdk_site.html / "index.html").is_file()
    assert (sdk_site.html / "search.html").is_file()
    assert (sdk_site.html / "searchindex.js").is_file()


@pytest.mark.parametrize(
    ("module", "cls", "page"),
    [
        ("kubeflow.katib", "KatibClient", "katib/KatibClient.html"),
        ("kubeflow.training", "TrainingClient", "training/TrainingClient.html"),
    ],
)
def test_every_public_client_method_has_an_anchored_entry_with_its_parameters(
    sdk_site: BuildResult, module: str, cls: str, page: str
) -> None:
    client = getattr(importlib.import_module(module), cls)
    html = soup(sdk_site.html / page)
    methods = _public_methods(client)
    assert len(methods) > 10
    for method in methods:
        dt = entry(html, f"{module}.{cls}.{method}")
        expected = [p for p in inspect.signature(getattr(client, method)).parameters if p != "self"]
        assert params_of(dt) == expected, method
    constructor = entry(html, f"{module}.{cls}")
    assert "namespace" in params_of(constructor)


def test_tune_and_get_trial_metrics_render(sdk_site: BuildResult) -> None:
    html = soup(sdk_site.html / "katib/KatibClient.html")
    tune = body_of(entry(html, "kubeflow.katib.KatibClient.tune")).get_text()
    assert "Create HyperParameter Tuning Katib Experiment" in tune
    assert "objective_metric_name" in tune
    assert "Raises" in tune and "TimeoutError" in tune
    metrics = body_of(entry(html, "kubeflow.katib.KatibClient.get_trial_metrics")).get_text()
    assert "Get the Trial Metric Results from the Katib DB." in metrics
    assert "katib-db-manager.kubeflow:6789" in metrics


def test_calls_as_defaults_are_shown_as_written_constants_as_values(
    sdk_site: BuildResult,
) -> None:
    html = soup(sdk_site.html / "katib/KatibClient.html")
    signature = entry(html, "kubeflow.katib.KatibClient").get_text()
    # a call is made when the function is called: shown as written, with its annotation
    assert "namespace: str = utils.get_default_target_namespace()" in signature
    tune = entry(html, "kubeflow.katib.KatibClient.tune").get_text()
    assert "constants.BASE_IMAGE_PYTORCH" not in tune  # its value (test_truth.py)


def test_no_page_for_kubernetes_client_classes(sdk_site: BuildResult) -> None:
    pages = [p.stem for p in sdk_site.html.rglob("*.html")]
    assert not [p for p in pages if p.startswith("V1") and not p.startswith("V1beta1")]
    for page in sdk_site.html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert 'id="kubernetes.' not in text, page
    models = {p.stem for p in (sdk_site.html / "katib" / "models").glob("*.html")}
    assert "V1beta1Experiment" in models and "V1ObjectMeta" not in models
    training = {p.stem for p in (sdk_site.html / "training" / "models").glob("*.html")}
    training.discard("index")  # the models package's own page
    assert "KubeflowOrgV1PyTorchJob" in training
    assert all(name.startswith("KubeflowOrgV1") for name in training)


def test_model_page_field_table_shows_the_yaml_key(sdk_site: BuildResult) -> None:
    # a definition per field: attribute and YAML/JSON key, then type and description (a table
    # gave its width to the names and clipped the descriptions)
    html = soup(sdk_site.html / "katib/models/V1beta1Experiment.html")
    assert html.find("table") is None
    terms = html.select("article dl:not(.py) > dt")
    by_attr = {
        dt.find("code").get_text(): (  # type: ignore[union-attr]
            dt.get_text(" ", strip=True),
            dt.find_next_sibling("dd").get_text(" ", strip=True),  # type: ignore[union-attr]
        )
        for dt in terms
    }
    assert by_attr["api_version"][0] == "api_version · YAML/JSON key apiVersion"
    assert by_attr["api_version"][1].startswith(
        "str \u2013 APIVersion defines the versioned schema"
    )
    assert set(by_attr) == {"api_version", "kind", "metadata", "spec", "status"}
    links = {a.get_text(): a["href"] for a in html.select("article dl:not(.py) dd a")}
    assert links["V1ObjectMeta"].endswith("/kubernetes/docs/V1ObjectMeta.md")
    assert links["V1beta1ExperimentSpec"].startswith("V1beta1ExperimentSpec.html#")


def test_no_noqa_marks_anywhere(sdk_site: BuildResult) -> None:
    for page in [*sdk_site.html.rglob("*.html"), sdk_site.html / "searchindex.js"]:
        text = page.read_text(encoding="utf-8")
        assert "E501" not in text, page
        assert "noqa" not in text, page


def test_fenced_example_stays_a_code_block_with_straight_quotes(sdk_site: BuildResult) -> None:
    html = soup(sdk_site.html / "katib/KatibClient.html")
    tune = body_of(entry(html, "kubeflow.katib.KatibClient.tune"))
    blocks = [pre.get_text() for pre in tune.select("div.highlight pre")]
    example = next(b for b in blocks if "resources_per_trial = TrainerResources(" in b)
    assert '"gpu": "2"' in example
    json_example = next(b for b in blocks if '"memory": "2Gi"' in b)
    assert json_example.strip().startswith("{")
    page = (sdk_site.html / "katib/KatibClient.html").read_text(encoding="utf-8")
    assert not any(q in page for q in "\u201c\u201d\u2018\u2019\u2026")
    # Markdown inline code is code, not emphasis
    assert tune.find("code", string="trainer_parameters") is not None


def test_builtin_names_never_link_to_sdk_attributes(sdk_site: BuildResult) -> None:
    for page in sdk_site.html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "V1beta1FeasibleSpace.list" not in text, page
    search = soup(sdk_site.html / "katib/search.html")
    double = entry(search, "kubeflow.katib.search.double")
    targets = {a.get_text(): a["href"] for a in body_of(double).find_all("a")}
    assert targets["float"] == "https://docs.python.org/3/library/functions.html#float"
    int_entry = body_of(entry(search, "kubeflow.katib.search.int"))
    int_links = {a.get_text(): a["href"] for a in int_entry.find_all("a")}
    assert int_links["int"] == "https://docs.python.org/3/library/functions.html#int"


def test_kubernetes_and_typing_references_resolve_offline(sdk_site: BuildResult) -> None:
    html = soup(sdk_site.html / "katib/KatibClient.html")
    hrefs = {a["href"] for a in html.find_all("a", href=True)}
    assert "https://docs.python.org/3/library/typing.html#typing.Optional" in hrefs
    k8s = "https://github.com/kubernetes-client/python/blob/master/kubernetes/docs/"
    assert k8s + "V1EnvVar.md" in hrefs


def test_source_links_point_at_the_release_tag(sdk_site: BuildResult) -> None:
    katib = importlib.metadata.version("kubeflow-katib")
    training = importlib.metadata.version("kubeflow-training")
    html = soup(sdk_site.html / "katib/KatibClient.html")
    hrefs = [a["href"] for a in html.find_all("a", href=True)]
    prefix = (
        f"https://github.com/kubeflow/katib/blob/v{katib}/sdk/python/v1beta1/"
        "kubeflow/katib/api/katib_client.py#L"
    )
    assert any(h.startswith(prefix) for h in hrefs)
    html = soup(sdk_site.html / "training/TrainingClient.html")
    hrefs = [a["href"] for a in html.find_all("a", href=True)]
    prefix = f"https://github.com/kubeflow/training-operator/blob/v{training}/sdk/python/"
    assert any(h.startswith(prefix + "kubeflow/training/api/training_client.py#L") for h in hrefs)


def test_sdk_version_is_shown(sdk_site: BuildResult) -> None:
    katib = importlib.metadata.version("kubeflow-katib")
    index = soup(sdk_site.html / "katib/index.html")
    assert f"Katib SDK {katib}" in index.find("h1").get_text()


def test_each_object_documented_once_at_its_public_path(sdk_site: BuildResult) -> None:
    counts: dict[str, int] = {}
    for page in sdk_site.html.rglob("*.html"):
        for dt in soup(page).select("dl.py > dt[id]"):
            counts[dt["id"]] = counts.get(dt["id"], 0) + 1
    assert counts["kubeflow.katib.KatibClient"] == 1
    assert counts["kubeflow.training.TrainingClient"] == 1
    assert counts["kubeflow.katib.V1beta1Experiment"] == 1
    assert not [a for a in counts if ".api.katib_client." in a or ".models.v1beta1_" in a]
    assert [a for a, n in counts.items() if n > 1] == []
    assert counts["kubeflow.katib.search.categorical"] == 1
    assert not [a for a in counts if a.startswith("kubeflow.katib.api.")]


def test_docstring_defects_are_reported(sdk_site: BuildResult) -> None:
    messages = {(d["object"], d["kind"], d["message"]) for d in sdk_site.defects}
    assert (
        "kubeflow.katib.KatibClient.get_trial_metrics",
        "unknown-parameter",
        "documents parameter 'db-manager-address', which get_trial_metrics() does not have"
        " (did you mean 'db_manager_address'?)",
    ) in messages
    assert any(d["kind"] == "broken-markup" for d in sdk_site.defects)
    assert any(
        d["kind"] == "annotation" and "HuggingFaceModelParams" in d["message"]
        for d in sdk_site.defects
    )


def test_rebuild_with_nothing_changed_is_fast(sdk_site: BuildResult, sdk_out: Path) -> None:
    before = (sdk_site.html / "index.html").stat().st_mtime_ns
    started = time.perf_counter()
    again = build([KATIB, TRAINING], sdk_out, formats=SDK_FORMATS)
    elapsed = time.perf_counter() - started
    assert again.skipped
    assert elapsed < 2.0
    assert again.defects == sdk_site.defects
    assert (again.html / "index.html").stat().st_mtime_ns == before


def test_constants_show_their_comment_not_the_str_docstring(sdk_site: BuildResult) -> None:
    katib = soup(sdk_site.html / "katib/constants.html")
    base = body_of(entry(katib, "kubeflow.katib.BASE_IMAGE_PYTORCH")).get_text()
    assert "Supported base images for the Katib Trials." in base
    training = soup(sdk_site.html / "training/constants.html")
    timeout = body_of(entry(training, "kubeflow.training.constants.constants.DEFAULT_TIMEOUT"))
    assert "How long to wait in seconds" in timeout.get_text()
    for page in (katib, training):
        assert "str(object=" not in page.get_text()
        assert "TODO (andreyvelich)" not in page.get_text()


def test_no_raw_markup_in_any_page(sdk_site: BuildResult) -> None:
    for page in sdk_site.html.rglob("*.html"):
        text = soup(page).get_text()
        for raw in ("```", "``", "\\`", ":class:", ":param ", ":rtype:", ".. code-block::"):
            assert raw not in text, (page.name, raw)
