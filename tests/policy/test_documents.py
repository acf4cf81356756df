"""Splitting YAML streams and parsing documents with line numbers, within limits."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy import documents
from kubeflow_devtools.policy.documents import (
    Chunk,
    LineDict,
    LineList,
    parse_chunk,
    peek_kind,
    split_documents,
)
from kubeflow_devtools.policy.errors import InputError


def parse(text: str) -> Any:
    """Parse a one-document text as chunk 0 starting at line 1."""
    return parse_chunk("f.yaml", Chunk(0, 1, text)).data


def test_split_at_markers_with_lines() -> None:
    text = "a: 1\n---\nb: 2\n--- # c\n\n# only a comment\n---\nc: 3\n...\n"
    chunks = list(split_documents(text))
    assert [(c.index, c.line) for c in chunks] == [(0, 1), (1, 2), (2, 7)]
    assert [parse_chunk("f", c).data for c in chunks] == [{"a": 1}, {"b": 2}, {"c": 3}]


def test_marker_needs_column_zero_and_separator() -> None:
    text = "a: |\n  ---\n  x\nb: ---x\n"
    assert len(list(split_documents(text))) == 1


def test_lines_of_keys_and_items() -> None:
    data = parse("kind: Pod\nspec:\n  containers:\n  - name: a\n    image: x\n  - name: b\n")
    assert isinstance(data, LineDict)
    assert data.key_lines == {"kind": 1, "spec": 2}
    containers = data["spec"]["containers"]
    assert isinstance(containers, LineList)
    assert containers.item_lines == [4, 6]
    assert containers[1].key_lines["name"] == 6


def test_line_offset_of_later_document() -> None:
    chunks = list(split_documents("a: 1\n---\nkind: Pod\nspec:\n  x: 1\n"))
    doc = parse_chunk("f", chunks[1])
    assert doc.line == 2
    assert doc.data["spec"].key_lines["x"] == 5


def test_scalars_resolve_like_safe_load() -> None:
    data = parse(
        "a: true\nb: 1\nc: 1.5\nd: null\ne: '1'\nf: !!str 2\n"
        "g: 2024-01-01T00:00:00Z\nh: ~\ni: 0x10\n"
    )
    assert data == {
        "a": True,
        "b": 1,
        "c": 1.5,
        "d": None,
        "e": "1",
        "f": "2",
        "g": "2024-01-01T00:00:00Z",
        "h": None,
        "i": 16,
    }


def test_anchors_aliases_and_merge_keys() -> None:
    data = parse("base: &b {x: 1, y: 2}\nuse: *b\nmerged:\n  <<: *b\n  y: 3\n")
    assert data["use"] is data["base"]
    assert data["merged"] == {"x": 1, "y": 3}


def test_json_parses() -> None:
    data = parse('{"kind": "Pod", "spec": {"containers": [{"name": "a"}]}}')
    assert data["spec"]["containers"][0]["name"] == "a"


def test_empty_document_is_none() -> None:
    assert parse("--- \n") is None


def test_malformed_yaml_names_file_and_line() -> None:
    chunks = list(split_documents("a: 1\n---\nkind: Pod\nspec: [1, 2\nx: y\n"))
    with pytest.raises(InputError) as info:
        parse_chunk("bad.yaml", chunks[1])
    assert info.value.file == "bad.yaml"
    assert info.value.line is not None and 3 <= info.value.line <= 6
    assert str(info.value).startswith("bad.yaml:")


def test_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(InputError, match="aliases expand"):
        parse("\n".join(lines) + "\n")


@pytest.mark.parametrize("depth", [300, 10_000])
def test_deep_nesting_is_refused(depth: int) -> None:
    with pytest.raises(InputError, match="nest"):
        parse("a: " + "[" * depth + "]" * depth + "\n")


def test_deep_block_nesting_is_refused() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v\n"
    with pytest.raises(InputError, match="nested deeper"):
        parse(text)


def test_unknown_alias_is_an_error() -> None:
    with pytest.raises(InputError):
        parse("a: *nope\n")


def test_oversized_document_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(InputError, match="larger than"):
        parse("a: " + "x" * 200 + "\n")


def test_too_many_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_NODES", 50)
    with pytest.raises(InputError, match="more than 50 nodes"):
        parse("a: [" + ",".join(["1"] * 100) + "]\n")


def test_peek_kind() -> None:
    assert peek_kind("apiVersion: v1\nkind: CustomResourceDefinition\n") == (
        "CustomResourceDefinition"
    )
    assert peek_kind("kind: 'Pod' # c\n") == "Pod"
    assert peek_kind("spec:\n  kind: Pod\n") is None
    assert peek_kind("kind: A\nkind: B\n") is None


def test_number_lookalikes_stay_text() -> None:
    assert parse("a: 0x_\nb: 0b_\nc: -0x_\n") == {"a": "0x_", "b": "0b_", "c": "-0x_"}


BROKEN = [
    "kind: ClusterRole\nrules:\n- verbs: [get, list\n  resources: [pods]\n",
    "kind: Role\nmetadata:\n  name: a\n   bad: indent\n",
    "kind: Role\nmetadata: {name: \x07}\n",
    "kind: Role\nrules: *nowhere\n",  # only building resolves aliases
    "kind: Role\nrules:\n- verbs: ['*']\n  resources: [*all]\n",
]


@pytest.mark.parametrize("text", BROKEN)
def test_check_chunk_refuses_what_parse_chunk_refuses_at_the_same_line(text: str) -> None:
    chunk = Chunk(0, 7, text)
    with pytest.raises(InputError) as parsed:
        parse_chunk("f.yaml", chunk)
    with pytest.raises(InputError) as checked:
        documents.check_chunk("f.yaml", chunk)
    assert str(checked.value) == str(parsed.value)


def test_check_chunk_accepts_well_formed_yaml() -> None:
    documents.check_chunk("f.yaml", Chunk(0, 1, "kind: Role\nrules: [{verbs: [get]}]\n"))


RBAC = (
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n"
    "rules: [{verbs: [get], resources: [pods], apiGroups: ['']}]\n"
    "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
    "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b\n"
)


def test_rbac_objects_are_counted_and_syntax_checked_but_not_built() -> None:
    from kubeflow_devtools.policy.model.report import Options, Report
    from kubeflow_devtools.policy.scan import load_source
    from kubeflow_devtools.policy.sources import Source

    report = Report(Options())
    load_source(Source("r.yaml", RBAC), report)
    assert [r.kind for r in report.resources] == ["ConfigMap"]
    assert report.summary.resources == 2  # the broken RoleBinding is an error, not a resource
    # Built (schema validation, or a repository run's duplicates): the same count and errors.
    for every in (Report(Options()), Report(Options(schema_version="1.33"))):
        load_source(
            Source("r.yaml", RBAC), every, every_object=every.options.schema_version is None
        )
        assert [r.kind for r in every.resources] == ["ClusterRole", "ConfigMap"]
        assert every.summary.resources == report.summary.resources
        assert [str(e) for e in every.errors] == [str(e) for e in report.errors]
        assert [e.line for e in every.errors] == [13]  # the unclosed mapping, at the end
