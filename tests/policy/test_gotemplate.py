"""Go's text/template in Python: parsing, execution semantics, sprig, encodings and the cache.

Expected outputs are what Go's text/template (go1.24) and sprig v3 produce for the same
template and data.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kubeflow_devtools.policy.gotemplate import (
    TemplateExecError,
    TemplateSyntaxError,
    cache,
    parse,
)
from kubeflow_devtools.policy.gotemplate.encoding import go_json, go_quote, go_yaml
from kubeflow_devtools.policy.gotemplate.sprig import FUNCTIONS
from kubeflow_devtools.policy.gotemplate.values import StrMap, go_float


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own template cache."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV, str(folder))
    return folder


def run(text: str, data: Any = None) -> str:
    return parse(text, FUNCTIONS).execute(data)


@pytest.mark.parametrize(
    ("text", "data", "expected"),
    [
        ("a {{- ` b ` -}} c", None, "a b c"),
        ("a  {{- /* comment */ -}}  b", None, "ab"),
        (
            "{{ .x }}|{{ .missing }}|{{ .missing.y }}",
            {"x": None},
            "<no value>|<no value>|<no value>",
        ),
        ("{{ index .m `k` }}|{{ index .s `k` }}", {"m": {}, "s": StrMap()}, "<no value>|"),
        ("{{ 1e6 }} {{ 1.5 }} {{ 0x10 }} {{ 'a' }}", None, "1e+06 1.5 16 97"),
        ('{{ "a\\tb" }}', None, "a\tb"),
        ("{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}", {"b": [0]}, "B"),
        ("{{ with .a }}{{ . }}{{ else }}none{{ end }}", {"a": ""}, "none"),
        ("{{ range $i, $v := .l }}{{ $i }}{{ $v }};{{ end }}", {"l": ["a", "b"]}, "0a;1b;"),
        (
            "{{ range $k, $v := .m }}{{ $k }}={{ $v }} {{ end }}",
            {"m": {"b": 2.0, "a": 1.0}},
            "a=1 b=2 ",
        ),
        ("{{ range .l }}x{{ else }}empty{{ end }}", {"l": []}, "empty"),
        ("{{ range 3 }}{{ . }}{{ end }}", None, "012"),
        (
            "{{ range .l }}{{ if eq . 2.0 }}{{ continue }}{{ end }}{{ if eq . 4.0 }}{{ break }}"
            "{{ end }}{{ . }}{{ end }}",
            {"l": [1.0, 2.0, 3.0, 4.0, 5.0]},
            "13",
        ),
        ("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }}", None, "2"),
        ('{{ define "t" }}[{{ . }}{{ $ }}]{{ end }}{{ template "t" .a }}', {"a": "v"}, "[vv]"),
        ('{{ block "b" .a }}<{{ . }}>{{ end }}', {"a": 1}, "<1>"),
        ("{{ .a | printf `%s-%d` `x` }}", {"a": 7}, "x-7"),
        ("{{ and 1 0 2 }} {{ or 0 `` `z` }} {{ not .a }}", {"a": []}, "0 z true"),
        ("{{ and false (fail `not evaluated`) }}", None, "false"),
        (
            "{{ eq .a `x` `y` }} {{ ne 1 2 }} {{ lt 1 2 }} {{ ge `b` `a` }}",
            {"a": "y"},
            "true true true true",
        ),
        ("{{ print 1 2 `a` 3 }}", None, "1 2a3"),
        ("{{ .m.k }}", {"m": {"k": [1, "a", None]}}, "[1 a <nil>]"),
    ],
)
def test_go_semantics(text: str, data: Any, expected: str) -> None:
    assert run(text, data) == expected


@pytest.mark.parametrize(
    ("text", "data", "expected"),
    [
        ('{{ "" | default "d" }} {{ 0 | default "d" }} {{ "x" | default "d" }}', None, "d d x"),
        ("{{ empty .m }} {{ empty .l }} {{ empty .z }}", {"m": {}, "l": [0]}, "true false true"),
        (
            '{{ "name-" | trimSuffix "-" }} {{ trunc 3 "abcdef" }} {{ trunc -2 "abcdef" }}',
            None,
            "name abc ef",
        ),
        ('{{ quote "a\\"b" nil "c" }} {{ squote "x" }}', None, '"a\\"b" "c" \'x\''),
        ('{{ "a\\nb" | nindent 2 }}|{{ "a\\nb" | indent 2 }}', None, "\n  a\n  b|  a\n  b"),
        (
            '{{ $l := list }}{{ $l = append $l "a" }}{{ $l = append $l "b" }}{{ join "," $l }}',
            None,
            "a,b",
        ),
        ('{{ $d := dict "k" 1 }}{{ hasKey $d "k" }} {{ get $d "x" }}.', None, "true ."),
        ("{{ toJson .m }}", {"m": {"b": 1.0, "a": "<&>"}}, '{"a":"\\u003c\\u0026\\u003e","b":1}'),
        ('{{ (fromJson "{\\"a\\": 1}").a }}', None, "1"),
        ('{{ ternary "y" "n" true }} {{ upper "a" }} {{ replace "a" "b" "aa" }}', None, "y A bb"),
        ('{{ toString 1.5 }} {{ atoi "42" }} {{ add 1 2 3 }} {{ sub 5 2 }}', None, "1.5 42 6 3"),
    ],
)
def test_sprig(text: str, data: Any, expected: str) -> None:
    assert run(text, data) == expected


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a\n\n{{ nosuch .x }}", 3, 'function "nosuch" not defined'),
        ("{{ $x }}", 1, "undefined variable '$x'"),
        ("a\n{{ break }}", 2, "{{break}} outside {{range}}"),
        ("{{ if .x }}\n", 2, "unexpected EOF"),
        ("{{ end }}", 1, "unexpected {{end}}"),
        ("x\n{{ .a ", 2, "unclosed action"),
        ('{{ "unterminated }}', 1, "unclosed action"),
        ("{{ .x | 3 }}", 1, "non executable command in pipeline stage 2"),
        ("{{/* a */ x }}", 1, "comment ends before closing delimiter"),
    ],
)
def test_syntax_errors(text: str, line: int, message: str) -> None:
    with pytest.raises(TemplateSyntaxError) as info:
        parse(text, FUNCTIONS)
    assert (info.value.line, message in info.value.message) == (line, True), info.value.message


@pytest.mark.parametrize(
    ("text", "data", "line", "message"),
    [
        ("a\n{{ .x.y.z }}", {"x": {"y": None}}, 2, "nil pointer evaluating interface {}.z"),
        ("{{ .x.y }}", {"x": None}, 1, "nil pointer evaluating interface {}.y"),
        ("{{ if true }}\n\n{{ index .l 5 }}{{ end }}", {"l": [1]}, 3, "index out of range: 5"),
        ("{{ eq 1 `a` }}", None, 1, "incompatible types for comparison"),
        ("{{ trunc `a` `b` }}", None, 1, "wrong type for value"),
        ("{{ fail `stop` }}", None, 1, "error calling fail: stop"),
        ('{{ template "nope" }}', None, 1, 'no such template "nope"'),
        ("{{ 3 4 }}", None, 1, "can't give argument to non-function 3"),
        ("{{ now }}", None, 1, "sprig function 'now' is not supported"),
    ],
)
def test_execution_errors(text: str, data: Any, line: int, message: str) -> None:
    template = parse(text, FUNCTIONS)
    with pytest.raises(TemplateExecError) as info:
        template.execute(data)
    assert info.value.line == line
    assert message in info.value.message


def test_builtins_without_sprig() -> None:
    """Go's own ``len`` counts bytes and ``slice`` slices strings (sprig's ``slice`` does not)."""
    template = parse("{{ len .s }} {{ len .m }} {{ slice .s 1 3 }}", {})
    assert template.execute({"s": "hello", "m": {"a": 1}}) == "5 1 el"
    assert parse("{{ len . }}", {}).execute("é") == "2"


def test_output_keeps_printed_pieces_apart() -> None:
    output = parse("a: {{ .a }}\nb: {{ .b }}\n", FUNCTIONS).render({"a": "x", "b": 2})
    assert output.text == "a: x\nb: 2\n"
    assert [output.pieces[i] for i in output.printed] == ["x", "2"]


def test_compiled_templates_come_from_the_cache(
    private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "{{ range .l }}{{ . | quote }}{{ end }}"
    assert parse(text, FUNCTIONS).execute({"l": ["a"]}) == '"a"'
    assert len(list(private_cache.iterdir())) == 1
    from kubeflow_devtools import policy

    def refuse(*args: Any) -> Any:
        raise AssertionError("parsed again")

    monkeypatch.setattr(policy.gotemplate.parser, "parse", refuse)
    monkeypatch.setattr(policy.gotemplate.compiler.Compiler, "module", refuse)
    assert parse(text, FUNCTIONS).execute({"l": ["b"]}) == '"b"'


def test_a_cached_template_runs_without_loading_the_parser_or_compiler(
    private_cache: Path,
) -> None:
    """A process that finds the template in the cache imports neither (a start-up cost of
    every rootless-check run)."""
    program = (
        "import sys\n"
        "from kubeflow_devtools.policy.gotemplate import parse\n"
        "from kubeflow_devtools.policy.gotemplate.sprig import FUNCTIONS\n"
        "print(parse('{{ .a | quote }}', FUNCTIONS).execute({'a': 'x'}))\n"
        "ours = [m for m in sys.modules if m.startswith('kubeflow_devtools.policy.gotemplate.')]\n"
        "tools = ('.parser', '.compiler', '.nodes', '.lexer')\n"
        "print(sorted(m for m in ours if m.endswith(tools)))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, check=True
        ).stdout.splitlines()
        for _ in range(2)
    ]
    assert runs[0][0] == runs[1][0] == '"x"'
    assert "compiler" in runs[0][1]  # the first run compiles it
    assert runs[1][1] == "[]"


def test_syntax_errors_are_cached_and_a_corrupt_entry_is_ignored(private_cache: Path) -> None:
    for _ in range(2):
        with pytest.raises(TemplateSyntaxError, match="not defined"):
            parse("{{ nope }}", FUNCTIONS)
    for entry in private_cache.iterdir():
        entry.write_bytes(b"garbage")
    with pytest.raises(TemplateSyntaxError, match="not defined"):
        parse("{{ nope }}", FUNCTIONS)


def test_the_cache_can_be_off(private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV, "off")
    assert run("{{ 1 }}") == "1"
    assert not private_cache.exists()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (15.0, "15"),
        (1e6, "1e+06"),
        (123456.0, "123456"),
        (0.5, "0.5"),
        (1e-05, "1e-05"),
        (-3.0, "-3"),
    ],
)
def test_floats_print_as_go(value: float, text: str) -> None:
    assert go_float(value) == text


def test_encodings() -> None:
    assert go_quote('a"\n\x01é') == '"a\\"\\n\\x01é"'
    assert go_json({"b": [1.0, True, None], "a": "x"}) == '{"a":"x","b":[1,true,null]}'
    assert go_yaml({"b": {"c": 1.0}, "a": ["x"]}) == "a:\n- x\nb:\n  c: 1\n"
    assert go_yaml(None) == "null\n"
