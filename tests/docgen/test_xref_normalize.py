"""Cross-reference URLs and docstring normalization rules, one at a time."""

from __future__ import annotations

import pytest

from kubeflow_devtools.docgen.project import md_escape, type_markup
from kubeflow_devtools.docgen.sphinxext import render_docstring
from kubeflow_devtools.docgen.sphinxext.normalize import normalize
from kubeflow_devtools.docgen.sphinxext.truth import NOT_DOCUMENTED
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


def test_unknown_parameter_is_renamed_to_the_one_it_misspells() -> None:
    def f(a: int, b_c: int) -> None:
        """Doc.

        Args:
            a: A.
            b-c: B.
        """

    lines, defects = render_docstring(
        ["Doc.", "", "Args:", "    a: A.", "    b-c: B."], "f", "function", f
    )
    assert lines == ["Doc.", "", "Args:", "    a: A.", "    b_c: B."]
    assert [(d.kind, d.message) for d in defects] == [
        (
            "unknown-parameter",
            "documents parameter 'b-c', which f() does not have (did you mean 'b_c'?)",
        ),
        ("undocumented-parameter", "parameter 'b_c' is not documented"),
    ]


def test_unknown_parameter_is_dropped_and_a_missing_one_marked() -> None:
    def f(a: int, real: int) -> None:
        """Doc.

        Args:
            a: A.
            gone: Was removed.
                Long ago.
        """

    text = ["Doc.", "", "Args:", "    a: A.", "    gone: Was removed.", "        Long ago."]
    lines, defects = render_docstring(text, "f", "function", f)
    assert lines == ["Doc.", "", "Args:", "    a: A.", f"    real: {NOT_DOCUMENTED}"]
    assert sorted(d.kind for d in defects) == ["undocumented-parameter", "unknown-parameter"]


def test_documented_keyword_arguments_are_not_unknown_parameters() -> None:
    def f(a: int, **options: str) -> None:
        """Doc.

        Args:
            a: A.
            options: Options.
        """

    text = ["Doc.", "", "Args:", "    a: A.", "    options: Options."]
    lines, defects = render_docstring(text, "f", "function", f)
    assert lines == text
    assert defects == []


def test_a_contradicted_return_type_shows_the_annotation() -> None:
    def f() -> tuple[int, str]:
        """Doc.

        Returns:
            int: The count.
            int: The name.
        """
        return 1, "a"

    text = ["Doc.", "", "Returns:", "    int: The count.", "    int: The name."]
    lines, defects = render_docstring(text, "f", "function", f)
    assert lines == ["Doc.", "", "Returns:", "    The count.", "    The name."]
    assert [d.kind for d in defects] == ["returns-mismatch"]


def test_a_todo_sentence_is_dropped_with_its_introduction() -> None:
    def f() -> None:
        """Do it. Read the guide: TODO (someone): Add link.

        More text.
        """

    text = ["Do it. Read the guide:", "TODO (someone): Add link.", "", "More text."]
    lines, defects = render_docstring(text, "f", "function", f)
    assert lines == ["Do it.", "", "More text."]
    assert [d.kind for d in defects] == ["todo-in-docstring"]


def test_a_stray_backtick_is_dropped_not_shown() -> None:
    text, defects = _norm("A `stray backtick in the middle of text.")
    assert "`" not in text.replace("``", "")
    assert defects == ["backtick"]


def test_type_markup_quotes_and_typing() -> None:
    assert type_markup("Optional[Literal['docker', 'podman']]", {}) == (
        "{py:class}`~typing.Optional`\\[{py:class}`~typing.Literal`\\[`'docker'`, `'podman'`\\]\\]"
    )
