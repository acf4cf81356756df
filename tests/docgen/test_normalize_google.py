"""The normalizer on Google-style sections as the unified ``kubeflow`` SDK (0.5.0) writes them:
``Example:`` with indented, unfenced code, ``Supported backends:`` with an indented list.

The docstrings below have the shapes of ``kubeflow.hub.StorageConfig``,
``kubeflow.spark.Annotations``, ``kubeflow.spark.PodTemplateOverride`` and
``kubeflow.trainer.TrainerClient.list_jobs`` (kubeflow/sdk@0.5.0); each is normalized, passed
through napoleon as the build does, and parsed by docutils: no warning, and the code is one
literal block with its text intact.
"""

from __future__ import annotations

import io
import textwrap

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from sphinx.ext.napoleon import Config
from sphinx.ext.napoleon.docstring import GoogleDocstring

from kubeflow_devtools.docgen.sphinxext.normalize import normalize

STORAGE_CONFIG = """\
Credentials of a model's storage.

Pass one to ``Client.register`` as ``storage_config``:

- Secret-based: set ``storage_key``.
- Workload identity: set ``service_account_name``.

Args:
    storage_key: Name of the Secret holding the
        credentials.

Example:
    from kubeflow.hub import ModelRegistryClient, StorageConfig

    client = ModelRegistryClient("https://registry.example.com")
    client.register_model(
        "my-model",
        storage_config=StorageConfig(
            storage_key="my-secret",
        ),
    )
"""

ANNOTATIONS = """\
Add annotations to the resources.

Supported backends:
    - Kubernetes

Args:
    annotations: Key-value pairs.

Example:
    options = [
        Annotations({
            "owner": "data-team@company.com"
        })
    ]
    spark = client.connect(..., options=options)
"""

POD_TEMPLATE = """\
Override the pod template of the driver or the executors.

Supported resources:
    - Spark Connect

Supported backends:
    - Kubernetes

Note:
    Only for Spark Connect.

Example:
    options = [
        PodTemplateOverride(
            role="executor",
            template={"spec": {"securityContext": {"runAsUser": 1000}}},
        )
    ]

    # then connect
    spark = client.connect(..., options=options)

Warning:
    Overrides can conflict with settings the SDK manages.
"""

DOCTEST = """\
List the jobs.

Examples:
    >>> client = TrainerClient()
    >>> for job in client.list_jobs():
    ...     print(job.name)
"""

PROSE_AND_CODE = """\
Connect.

Examples:
    Connect to a running server:

    spark = client.connect(base_url="sc://server:15002")
"""


def _rendered(docstring: str) -> tuple[nodes.document, str]:
    """The docstring normalized, through napoleon (the build's settings), parsed by docutils;
    and what docutils warned about."""
    lines, _ = normalize(docstring.splitlines(), "obj")
    config = Config(napoleon_use_admonition_for_examples=False)
    rst = str(GoogleDocstring(lines, config))
    warnings = io.StringIO()
    doctree = publish_doctree(
        rst.replace(".. code-block::", ".. code::"),  # Sphinx's name for docutils' directive
        settings_overrides={"warning_stream": warnings, "report_level": 2},
    )
    return doctree, warnings.getvalue()


def _code(doctree: nodes.document) -> list[str]:
    return [block.astext() for block in doctree.findall(nodes.literal_block)]


@pytest.mark.parametrize("docstring", [STORAGE_CONFIG, ANNOTATIONS, POD_TEMPLATE])
def test_unfenced_example_code_renders_without_warnings(docstring: str) -> None:
    doctree, warnings = _rendered(docstring)
    assert warnings == ""
    example = textwrap.dedent(docstring.split("Example:\n", 1)[1].split("\n\nWarning:")[0])
    assert _code(doctree) == [example.strip()]
    assert not list(doctree.findall(nodes.definition_list))
    assert not list(doctree.findall(nodes.block_quote))


def test_code_block_keeps_python_as_its_language() -> None:
    lines, defects = normalize(STORAGE_CONFIG.splitlines(), "obj")
    text = "\n".join(lines)
    assert "Example:\n\n    .. code-block:: python\n\n       from kubeflow.hub import" in text
    assert "       )\n" in text and defects == []


def test_indented_list_under_a_phrase_is_a_list() -> None:
    doctree, warnings = _rendered(POD_TEMPLATE)
    assert warnings == ""
    items = [item.astext() for item in doctree.findall(nodes.list_item)]
    assert items == ["Spark Connect", "Kubernetes"]
    paragraphs = [p.astext() for p in doctree.findall(nodes.paragraph)]
    assert "Supported backends:" in paragraphs


def test_doctest_examples_stay_doctest() -> None:
    lines, _ = normalize(DOCTEST.splitlines(), "obj")
    assert lines == DOCTEST.splitlines()
    doctree, warnings = _rendered(DOCTEST)
    assert warnings == ""
    assert [b.astext() for b in doctree.findall(nodes.doctest_block)] == [
        ">>> client = TrainerClient()\n>>> for job in client.list_jobs():\n...     print(job.name)"
    ]


def test_prose_in_an_examples_section_stays_prose() -> None:
    doctree, warnings = _rendered(PROSE_AND_CODE)
    assert warnings == ""
    assert _code(doctree) == ['spark = client.connect(base_url="sc://server:15002")']
    assert "Connect to a running server:" in [p.astext() for p in doctree.findall(nodes.paragraph)]
