"""Cross-reference URLs and docstring normalization rules, one at a time."""

from __future__ import annotations

import pytest

from kubeflow_devtools.docgen.project import md_escape, type_markup
from kubeflow_devtools.docgen.sphinxext.normalize import normalize
from kubeflow_devtools.docgen.sphinxext.xref import (
    builtin_url,
    external_url,
    kubernetes_url,
    stdlib_url,
)

PY = "https://docs.python.org/3/library"
K8S = "https://github.com/kubernetes-client/python/blob/master/kubernetes"


@pytest.mark.parametrize(
    ("target", "url"),
    [
        ("str", f"{PY}/stdtypes.html#str"),
        ("builtins.list", f"{PY}/stdtypes.html#list"),
        ("int", f"{PY}/functions.html#int"),
        ("None", f"{PY}/constants.html#None"),
        ("ValueError", f"{PY}/exceptions.html#ValueError"),
        ("typing.Optional", f"{PY}/typing.html#typing.Optional"),
        ("collections.abc.Callable", f"{PY}/collections.abc.html#collections.abc.Callable"),
        ("datetime.datetime", f"{PY}/datetime.html#datetime.datetime"),
        ("kubernetes.client.V1ObjectMeta", f"{K8S}/docs/V1ObjectMeta.md"),
        ("kubernetes.client.models.v1_env_var.V1EnvVar", f"{K8S}/docs/V1EnvVar.md"),
        (
            "kubernetes.client.configuration.Configuration",
            f"{K8S}/client/configuration.py",
        ),
        ("kubeflow.katib.Unknown", None),
        ("of", None),
    ],
)
def test_external_urls(target: str, url: str | None) -> None:
    assert external_url(target) == url


def test_no_guessing() -> None:
    assert builtin_url("V1beta1FeasibleSpace") is None
    assert kubernetes_url("V1ObjectMeta") is None  # bare names are not guessed
    assert stdlib_url("kubeflow.katib.search") is None


def test_type_markup_links_every_name() -> None:
    targets = {"V1beta1Trial": "kubeflow.katib.V1beta1Trial"}
    assert type_markup("list[V1beta1Trial]", targets) == (
        "{py:class}`list`\\[{py:class}`~kubeflow.katib.V1beta1Trial`\\]"
    )
    assert type_markup("dict(str, V1Pod)", {}) == (
        "{py:class}`dict`\\({py:class}`str`, {py:class}`~kubernetes.client.V1Pod`\\)"
    )
    assert type_markup("datetime", {}) == "{py:class}`~datetime.datetime`"
    assert md_escape("a|b *c*") == "a\\|b \\*c\\*"


def _norm(text: str) -> tuple[str, list[str]]:
    lines, defects = normalize(text.split("\n"), "obj")
    return "\n".join(lines), [d.kind for d in defects]


def test_fence_becomes_code_block_at_its_indentation() -> None:
    text, defects = _norm('Args:\n    x: Example:\n        ```\n        f("a")\n        ```')
    assert '        .. code-block:: python\n\n           f("a")' in text
    assert defects == []


def test_unclosed_fence_keeps_its_text_and_is_reported() -> None:
    text, defects = _norm("Run:\n```bash\nls -l")
    assert ".. code-block:: bash" in text and "   ls -l" in text
    assert defects == ["unclosed-fence"]


def test_inline_code_and_roles() -> None:
    text, defects = _norm("Use `x` and :class:`Y` and `link <http://a>`_ and ``z``.")
    assert text == "Use ``x`` and :class:`Y` and `link <http://a>`_ and ``z``."
    assert defects == []


def test_inline_code_next_to_a_word_is_escaped() -> None:
    text, _ = _norm("Many `dict`s here.")
    assert text == "Many ``dict``\\ s here."


def test_noqa_marks_removed() -> None:
    text, _ = _norm("Gets it.  # noqa: E501\n\nMore.  # noqa")
    assert "noqa" not in text and "E501" not in text
    assert text.startswith("Gets it.")


def test_list_needs_blank_lines() -> None:
    text, _ = _norm("Options:\n- a\n- b\nAfter.")
    assert text == "Options:\n\n- a\n- b\n\nAfter."


def test_section_after_text_gets_a_blank_line() -> None:
    text, _ = _norm("Summary.\nArgs:\n    x: y")
    assert text == "Summary.\n\nArgs:\n    x: y"


def test_unknown_parameter_is_reported() -> None:
    def f(a: int) -> None:
        """Doc."""

    _, defects = normalize(["Doc.", "", "Args:", "    a: A.", "    b-c: B."], "f", f)
    assert [(d.kind, d.message) for d in defects] == [
        ("parameter", "documents parameter 'b-c', not in the signature")
    ]


def test_documented_keyword_arguments_are_not_unknown_parameters() -> None:
    def f(a: int, **options: str) -> None:
        """Doc."""

    _, defects = normalize(["Doc.", "", "Args:", "    a: A.", "    colour: An option."], "f", f)
    assert defects == []


def test_type_markup_quotes_and_typing() -> None:
    assert type_markup("Optional[Literal['docker', 'podman']]", {}) == (
        "{py:class}`~typing.Optional`\\[{py:class}`~typing.Literal`\\[`'docker'`, `'podman'`\\]\\]"
    )
