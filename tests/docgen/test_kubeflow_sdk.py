"""The unified ``kubeflow`` SDK (0.5.0, with hub, spark and pipelines) as a built-in SDK.

Built once a session in an environment that holds only it and this project (it cannot share the
test environment with the legacy SDKs): ``docgen build kubeflow --format all`` with Sphinx's
warnings as errors and nitpicky. What the reference must cover is read from the packages'
``__all__`` in that environment, never from docgen's output.
"""

from __future__ import annotations

import json
import posixpath
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.docgen.conftest import KubeflowBuild, PublishedWebsite
from tests.docgen.hugo_helpers import check_links, html_file, page_url
from tests.docgen.kubeflow_env import PublicName, read_inventory, run_docgen
from tests.docgen.real_site import text_leaks

pytestmark = pytest.mark.slow

SECTION = "content/en/docs/components/sdk/reference"
"""Where ``docgen publish kubeflow`` writes (the Kubeflow SDK's section of the website)."""


def _html(build: KubeflowBuild) -> Path:
    return build.out / "html"


def _inventory(build: KubeflowBuild) -> dict[str, str]:
    return read_inventory(_html(build) / "objects.inv")


def _documented_at(name: PublicName, inventory: dict[str, str]) -> str:
    """The URI (page#anchor) documenting a public name: its public path, else where it is
    defined (a re-export documented once)."""
    uri = inventory.get(name.path) or inventory.get(name.canonical)
    assert uri is not None, f"{name.path} ({name.canonical}) is documented nowhere"
    return uri


def test_build_exits_0_with_warnings_as_errors(kubeflow_build: KubeflowBuild) -> None:
    result = kubeflow_build.result
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("docgen: kubeflow: built ")


def test_the_issue_counts_76_public_names(kubeflow_build: KubeflowBuild) -> None:
    counts = Counter(name.sub for name in kubeflow_build.names)
    assert counts == {"trainer": 30, "optimizer": 10, "hub": 5, "spark": 16, "pipelines": 15}


def test_every_public_name_is_documented_on_a_page_of_its_own(
    kubeflow_build: KubeflowBuild,
) -> None:
    inventory = _inventory(kubeflow_build)
    for name in kubeflow_build.names:
        page, _, anchor = _documented_at(name, inventory).partition("#")
        assert (_html(kubeflow_build) / page).is_file(), name.path
        expected = "constants" if name.kind == "data" else name.name
        assert posixpath.basename(page) == f"{expected}.html", (name.path, page)
        assert anchor, name.path


def test_a_re_export_is_documented_once_and_linked_from_its_package(
    kubeflow_build: KubeflowBuild,
) -> None:
    inventory = _inventory(kubeflow_build)
    html = _html(kubeflow_build)
    canonical = Counter(n.canonical for n in kubeflow_build.names if n.kind == "class")
    shared = [n for n in kubeflow_build.names if canonical[n.canonical] > 1]
    assert {n.name for n in shared} >= {"KubernetesBackendConfig", "TrainJobTemplate"}
    for name in shared:
        uri = _documented_at(name, inventory)
        page, _, anchor = uri.partition("#")
        holders = [p for p in html.rglob("*.html") if f'id="{anchor}"' in p.read_text("utf-8")]
        assert [p.relative_to(html).as_posix() for p in holders] == [page], name.path
        index = html / "kubeflow" / name.sub / "index.html"
        link = posixpath.relpath(page, f"kubeflow/{name.sub}") + "#" + anchor
        assert f'href="{link}"' in index.read_text("utf-8"), (name.path, link)


def test_no_page_shows_markdown_backticks(kubeflow_build: KubeflowBuild) -> None:
    leaks = {}
    for page in sorted((_html(kubeflow_build) / "kubeflow").rglob("*.html")):
        found = [leak for leak in text_leaks(page.read_text("utf-8")) if "`" in leak]
        if found:
            leaks[page.name] = found
    assert leaks == {}


def test_title_has_the_release_and_sources_link_the_release_tag(
    kubeflow_build: KubeflowBuild,
) -> None:
    html = _html(kubeflow_build)
    index = (html / "kubeflow" / "index.html").read_text("utf-8")
    assert "Kubeflow SDK 0.5.0" in index and "unknown" not in index
    assert 'href="https://github.com/kubeflow/sdk/tree/0.5.0"' in index
    client = (html / "kubeflow" / "trainer" / "TrainerClient.html").read_text("utf-8")
    source = "https://github.com/kubeflow/sdk/blob/0.5.0/kubeflow/trainer/api/trainer_client.py#L"
    assert source in client
    # kfp's code is not in kubeflow/sdk: no source link into the wrong repository
    pipelines = (html / "kubeflow" / "pipelines" / "PipelinesClient.html").read_text("utf-8")
    assert "github.com/kubeflow/sdk/blob" not in pipelines


def test_return_types_get_pages(kubeflow_build: KubeflowBuild) -> None:
    """``get_job`` and ``list_jobs`` return ``TrainJob``, which the SDK does not export."""
    inventory = _inventory(kubeflow_build)
    page = inventory["kubeflow.trainer.types.types.TrainJob"].partition("#")[0]
    assert page == "kubeflow/trainer/TrainJob.html"
    client = (_html(kubeflow_build) / "kubeflow/trainer/TrainerClient.html").read_text("utf-8")
    assert 'href="TrainJob.html#kubeflow.trainer.types.types.TrainJob"' in client
    # and the optimizer's events are the trainer's Event, linked across subpackages
    optimizer = _html(kubeflow_build) / "kubeflow/optimizer/OptimizerClient.html"
    assert 'href="../trainer/Event.html#kubeflow.trainer.Event"' in optimizer.read_text("utf-8")


def test_models_of_other_distributions_get_pages(kubeflow_build: KubeflowBuild) -> None:
    """``Search.choice`` returns ``kubeflow_katib_api``'s ``V1beta1ParameterSpec``, and
    ``kubeflow.pipelines.Run`` (``kfp_server_api``'s ``V2beta1Run``) has ``run_details``."""
    html = _html(kubeflow_build) / "kubeflow"
    spec = "V1beta1ParameterSpec.html#kubeflow_katib_api.models.v1beta1_parameter_spec."
    assert f'href="{spec}V1beta1ParameterSpec"' in (html / "optimizer/Search.html").read_text()
    details = "V2beta1RunDetails.html#kfp_server_api.models.v2beta1_run_details.V2beta1RunDetails"
    assert f'href="{details}"' in (html / "pipelines/Run.html").read_text("utf-8")


def test_pydantic_models_are_field_lists_not_generated_models(
    kubeflow_build: KubeflowBuild,
) -> None:
    pages = json.loads((kubeflow_build.out / "hugo" / "kubeflow" / "pages.json").read_text())
    config = pages["pages"]["common/KubernetesBackendConfig.md"]["body"]
    assert "`namespace`" in config and "YAML/JSON key" in config
    index = (_html(kubeflow_build) / "kubeflow" / "trainer" / "index.html").read_text("utf-8")
    assert "Data models" in index and "generated models" not in index


def test_with_no_sdk_named_the_installed_one_is_built(kubeflow_build: KubeflowBuild) -> None:
    out = kubeflow_build.out
    result = run_docgen(kubeflow_build.python, "build", "--format", "all", "--out", str(out),
                        "-q", cwd=out)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("docgen: kubeflow: ")
    assert "skipping katib: kubeflow-katib is not installed" in result.stderr
    assert "skipping training: kubeflow-training is not installed" in result.stderr


def test_hugo_builds_the_pages_in_the_real_website(
    kubeflow_website_build: PublishedWebsite,
) -> None:
    site = kubeflow_website_build
    assert (site.hugo_code, site.hugo_problems) == (0, [])
    section = site.root / SECTION
    pages = sorted(p.relative_to(section).as_posix() for p in section.rglob("*.md"))
    built = [html_file(site.public, page_url(SECTION.removeprefix("content/en"), p)) for p in pages]
    assert [p for p in built if not p.is_file()] == []
    assert "trainer/TrainerClient.md" in pages and "pipelines/dsl.md" in pages
    leaks = {p.name: text_leaks(p.read_text("utf-8")) for p in built}
    assert {name: found for name, found in leaks.items() if found} == {}
    links = check_links(site.public, built, "main")
    assert links.broken == [] and links.internal > 0


def test_a_subpackage_page_edits_its_init(kubeflow_build: KubeflowBuild) -> None:
    pages = json.loads((kubeflow_build.out / "hugo" / "kubeflow" / "pages.json").read_text())
    front = pages["pages"]["optimizer/_index.md"]["front"]
    assert front["title"] == "kubeflow.optimizer"
    assert front["path_base_for_github_subdir"]["to"] == "0.5.0/kubeflow/optimizer/__init__.py#L1"


def test_the_navigation_made_once_per_folder_is_sphinx_and_furo_s_own(
    kubeflow_build: KubeflowBuild, tmp_path: Path
) -> None:
    # docgen/sphinxext/navigation.py serves furo's sidebar from one tree per folder: the same
    # generated project, built with it off, must give every page byte for byte
    source = kubeflow_build.out / ".cache" / "src"
    plain = tmp_path / "html"
    command = [str(kubeflow_build.python), "-m", "sphinx", "-b", "html", "-q", "-d",
               str(tmp_path / "doctrees"), "-D", "docgen_fast_navigation=0", str(source),
               str(plain)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = sorted(p.relative_to(plain).as_posix() for p in plain.rglob("*.html"))
    assert len(pages) > 100
    built = _html(kubeflow_build)
    differ = [p for p in pages if (plain / p).read_bytes() != (built / p).read_bytes()]
    assert differ == []


_FOREIGN_NODES = """
import json, pickle, sys
from pathlib import Path
found = {}
for path in sorted(Path(sys.argv[1]).rglob("*.doctree")):
    doctree = pickle.loads(path.read_bytes())
    foreign = [n for n in doctree.findall() if n is not doctree and n.document is not doctree]
    envs = {id(n.document) for n in foreign if getattr(n.document.settings, "env", None)}
    found[path.name] = [len(foreign), len(envs)]
print(json.dumps(found))
"""


def test_stored_doctrees_hold_their_page_not_the_environment(
    kubeflow_build: KubeflowBuild,
) -> None:
    # docgen/sphinxext/doctrees.py: MyST's {eval-rst} fences left nodes in a document of their
    # own whose settings hold Sphinx's environment, pickled into every stored doctree
    doctrees = kubeflow_build.out / ".cache" / "doctrees"
    result = subprocess.run(
        [str(kubeflow_build.python), "-c", _FOREIGN_NODES, str(doctrees)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found: dict[str, list[int]] = json.loads(result.stdout)
    assert len(found) > 100
    assert {name: counts for name, counts in found.items() if counts != [0, 0]} == {}


def test_every_type_a_signature_names_links_to_a_page(kubeflow_build: KubeflowBuild) -> None:
    # ModelRegistryClient's return types are imported for type checkers only
    # (kubeflow/sdk@0.5.0:kubeflow/hub/api/model_registry_client.py, `if TYPE_CHECKING:`)
    defects = json.loads((_html(kubeflow_build) / "defects.json").read_text())
    assert [d for d in defects if d["kind"] == "unlinked-type"] == []
    page = (_html(kubeflow_build) / "kubeflow" / "hub" / "ModelRegistryClient.html").read_text()
    assert 'href="RegisteredModel.html#model_registry.types.contexts.RegisteredModel"' in page
