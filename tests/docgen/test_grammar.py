"""The docstring grammar: napoleon's section table, ``# noqa``, and the one first sentence.

The first-sentence cases are those where docgen's two former algorithms disagreed: the SDK
index's (a regular expression over the docstring's first paragraph, sentences ending in
``.``, ``!`` or ``?``) and the Hugo description's (the first ``". "`` of the first paragraph
Sphinx rendered, cut at 300 characters). Over the 1019 docstrings of kubeflow-katib 0.19.0
and kubeflow-training 1.9.0 the two sentence splitters never disagreed on the same paragraph;
the paragraphs they were given did, for 17 docstrings (the ``Args:``-first and fence cases
below are real ones).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sphinx.ext.napoleon import Config
from sphinx.ext.napoleon.docstring import GoogleDocstring

from kubeflow_devtools.docgen import grammar
from kubeflow_devtools.docgen.grammar import (
    DOCGEN_ALIASES,
    NAPOLEON_CUSTOM_SECTIONS,
    NAPOLEON_SECTIONS,
    SECTIONS,
    first_paragraph,
    first_sentence,
    plain_text,
    section_kind,
    section_title,
    strip_noqa,
    summary,
)


def napoleon_titles(**settings: object) -> set[str]:
    """The section titles the installed napoleon's Google parser knows."""
    parser = GoogleDocstring("", Config(napoleon_google_docstring=True, **settings))
    return set(parser._sections)


def test_napoleon_sections_are_exactly_the_installed_napoleons() -> None:
    assert set(NAPOLEON_SECTIONS) == napoleon_titles()


def test_docgen_aliases_are_what_napoleon_is_taught() -> None:
    assert not set(DOCGEN_ALIASES) & set(NAPOLEON_SECTIONS)
    assert set(SECTIONS) == set(NAPOLEON_SECTIONS) | set(DOCGEN_ALIASES)
    assert set(SECTIONS) == napoleon_titles(napoleon_custom_sections=list(NAPOLEON_CUSTOM_SECTIONS))
    config = Config(napoleon_custom_sections=list(NAPOLEON_CUSTOM_SECTIONS))
    rendered = str(GoogleDocstring("Do it.\n\nExceptions:\n    ValueError: Bad.\n", config))
    assert ":raises ValueError: Bad." in rendered


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Args", "args"),
        ("Keyword Args", "args"),
        ("Other Parameters", "args"),
        ("Params", "args"),
        ("Exceptions", "raises"),
        ("Methods", "methods"),
        ("Tip", "admonition"),
        ("Args ", None),  # napoleon does not read a space before the colon
        ("For example", None),
    ],
)
def test_section_kind(title: str, kind: str | None) -> None:
    assert section_kind(title) == kind


def test_section_title() -> None:
    assert section_title("    Returns:") == (4, "Returns", "returns")
    assert section_title("Returns: the value") is None
    assert section_title("For example:") is None


def test_noqa_marks_are_removed() -> None:
    assert strip_noqa("Gets the name of this V1Pod.  # noqa: E501") == (
        "Gets the name of this V1Pod."
    )
    assert strip_noqa("A line # noqa") == "A line"
    assert strip_noqa("No mark here.  ") == "No mark here.  "


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        # the index ended a sentence at "!" and "?"; the Hugo description only at ". "
        ("Stop now! Then go on.", "Stop now!"),
        ("Is it ready? Poll it.", "Is it ready?"),
        # both: the first ". ", abbreviations included; a last sentence keeps its period
        ("Create an experiment, e.g. a grid search.", "Create an experiment, e.g."),
        ("KatibClient constructor.", "KatibClient constructor."),
        ("Push Metrics Directly to Katib DB", "Push Metrics Directly to Katib DB"),
        ("Wrapped\n   over lines. More.", "Wrapped over lines."),
    ],
)
def test_first_sentence(text: str, sentence: str) -> None:
    assert first_sentence(text) == sentence


def test_first_sentence_is_cut_at_the_limit() -> None:
    # the Hugo description was cut at 300 characters, the index summary never
    long = "word " * 100 + "end."
    cut = first_sentence(long)
    assert len(cut) == 300 and cut.endswith("...")
    assert first_sentence("Short. " + long) == "Short."
    assert first_sentence("a" * 300) == "a" * 300


@pytest.mark.parametrize(
    ("docstring", "paragraph"),
    [
        # kubeflow.katib.exceptions.ApiValueError.__init__: the index showed
        # "Args: msg (str): the exception message", the rendered page no paragraph at all
        (
            "\n        Args:\n            msg (str): the exception message\n\n"
            "        Keyword Args:\n"
            "            path_to_item (list) the path to the exception in the\n"
            "                received_data dict. None if unset\n        ",
            "",
        ),
        # kubeflow.training.utils.utils.add_event_to_dict: the index ran into the code fence
        (
            "Add Kubernetes event to the dict with this format:\n"
            '    ```\n    {"<Object Kind>/<Object Name>": "<Event Timestamp> <Event Message>"}\n'
            "    ```\n    ",
            "Add Kubernetes event to the dict with this format:",
        ),
        ("Create a job.\n    Args:\n        name: Its name.", "Create a job."),
        ("Pick one of:\n- a\n- b", "Pick one of:"),
        ("Notes first.\n.. note::\n   A note.", "Notes first."),
        ("Example::\n\n    code()", "Example:"),
        ("Gets the kind of this V1Job.  # noqa: E501\n\nMore.", "Gets the kind of this V1Job."),
        (None, ""),
        ("", ""),
    ],
)
def test_first_paragraph(docstring: str | None, paragraph: str) -> None:
    assert first_paragraph(docstring) == paragraph


def test_summary_is_the_first_sentence_of_the_first_paragraph() -> None:
    assert summary("Get the Experiment. It must exist.\n\nArgs:\n    name: Its name.") == (
        "Get the Experiment."
    )
    assert summary("Args:\n    name: Its name.") == ""


def test_plain_text_unwraps_code_spans() -> None:
    assert plain_text("Render ``template`` as `code`.") == "Render template as code."
    assert plain_text("See :class:`~kubeflow.katib.KatibClient`.") == (
        "See kubeflow.katib.KatibClient."
    )
    assert grammar.code_spans("A :func:`f` and ``g``.") == "A `f` and `g`."


def test_the_grammar_is_a_leaf() -> None:
    tree = ast.parse(Path(grammar.__file__).read_text(encoding="utf-8"))
    imported = {
        name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
        )
    }
    assert imported == {"__future__", "inspect", "re", "collections.abc"}
