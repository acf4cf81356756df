"""The human-readable report: findings grouped by resource, namespaces, then a summary line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from kubeflow_devtools.policy.model.findings import Finding, fails_run
from kubeflow_devtools.policy.model.report import InputResult, Report

COLLAPSE = 5
"""More plain files than this skipped or excluded for one reason, or more inputs than this
that a change did not affect, are one line (the JSON report lists each of them)."""

_COLORS = {"error": "31", "warning": "33", "ok": "32", "dim": "2", "bold": "1"}


def _resource_key(f: Finding) -> tuple[str, str, str, str]:
    return (f.file or "", f.kind, f.namespace or "", f.name)


def render_text(report: Report, *, color: bool = False, quiet: bool = False) -> str:
    """Findings grouped by resource (file order), the namespace table and a summary line.

    ``quiet`` keeps only failing findings and the summary line; ``color`` adds ANSI colours.
    """

    def paint(text: str, style: str) -> str:
        return f"\033[{_COLORS[style]}m{text}\033[0m" if color else text

    lines: list[str] = []
    answers = report.runtime_answers()
    if answers and not quiet:
        lines.append(paint("User namespaces (pods Kubeflow creates at run time):", "bold"))
        for source, answer in answers:
            style = "ok" if answer.admitted else "error"
            where = f"[{source}] " if source else ""
            lines.append(f"  {where}{paint(answer.line(), style)}")
        lines.append("")
    lines += [paint(f"warning: {w}", "warning") for w in report.warnings]
    if report.warnings:
        lines.append("")
    shown = [f for f in report.findings if not quiet or fails_run(f, report.options.fail_on)]
    resources = 0
    if report.inputs:
        reasons = Counter((r.status, r.reason) for r in report.inputs if _collapsible(r))
        common = {key for key, n in reasons.items() if n > COLLAPSE}
        for result in report.inputs:
            if _collapsible(result) and (result.status, result.reason) in common:
                continue
            lines.append(_input_line(result, paint))
            own = [f for f in shown if f.input == result.path]
            resources += _finding_lines(own, lines, paint, "  ")
        for status, reason in sorted(common):
            count = reasons[(status, reason)]
            lines.append(paint(f"{count} inputs {status}: {reason}", "dim"))
        lines.append("")
        shown = [f for f in shown if f.input is None]
    resources += _finding_lines(shown, lines, paint, "")
    rows = report.namespace_summaries()
    if report.mesh.present and not quiet and not rows and not report.inputs:
        lines += [report.mesh.description, ""]
    if rows and not quiet and not report.inputs:
        lines.append(report.mesh.description)
        table = [("NAMESPACE", "MESH", "ENFORCE", "ROOTLESS/WORKLOADS", "INJECTED")]
        table += [
            (r.name, r.mesh, r.enforce, f"{r.rootless}/{r.workloads}", str(r.injected))
            for r in rows
        ]
        widths = [max(len(row[i]) for row in table) for i in range(4)]
        for row in table:
            cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:4])]
            lines.append("  ".join([*cells, row[4]]).rstrip())
        lines.append("")
    s = report.summary
    version = report.options.version
    policy = f"{report.options.level.value}@{'latest' if version is None else f'v1.{version}'}"
    verdict = paint("FAIL", "error") if report.failed else paint("ok", "ok")
    lines.append(
        f"{verdict}: {s.findings} finding(s) in {resources} of {s.resources} resource(s); "
        f"{s.pod_specs} pod spec(s), {s.containers} container(s) checked against {policy}"
        + (f"; {s.failing} failing" if s.failing != s.findings else "")
        + (f"; {s.waived} waived" if s.waived else "")
        + (f"; {s.errors} input error(s)" if s.errors else "")
    )
    return "\n".join(lines) + "\n"


def _collapsible(result: InputResult) -> bool:
    """Plain files not checked, and inputs a change did not affect, may share one line."""
    if result.status not in ("skipped", "excluded"):
        return False
    return result.kind == "files" or result.reason.startswith("not affected")


def _input_line(result: InputResult, paint: Callable[[str, str], str]) -> str:
    """One input's block header: path, kind, pods and verdict, or why it was not checked."""
    head = f"{paint(result.path, 'bold')}  ({result.kind})"
    if result.report is None:
        style = "error" if result.status == "failed" else "dim"
        return f"{head}  {paint(result.status, style)}: {result.reason}"
    pods = len(result.report.workloads)
    verdict = paint(result.verdict, "error" if result.failing else "ok")
    cached = ", cached" if result.cached else ""
    return f"{head}  {pods} pod(s)  {verdict}  ({result.seconds:.2f}s{cached})"


def _finding_lines(
    findings: list[Finding], lines: list[str], paint: Callable[[str, str], str], indent: str
) -> int:
    """Append ``findings`` grouped by resource (file order); returns how many resources."""
    groups: dict[tuple[str, str, str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault(_resource_key(finding), []).append(finding)
    for (file, kind, namespace, name), group in groups.items():
        where = f"{namespace}/{name}" if namespace else name
        first = min((f.line for f in group if f.line is not None), default=None)
        location = f"{file}:{first}" if first is not None else file
        lines.append(f"{indent}{paint(f'{kind} {where}', 'bold')}  ({location})")
        width = max(len(f.rule) for f in group)
        for f in group:
            at = f"line {f.line}" if f.line is not None else "line ?"
            marks = " [waived]" if f.waived else ""
            marks += " [baseline]" if f.baselined else ""
            marks += " [injected]" if f.injected else ""
            style = "dim" if not f.fails else ("warning" if f.severity == "warning" else "error")
            rule = paint(f"{f.rule:<{width}}", style)
            lines.append(f"{indent}  {rule}  {f.message}  ({at}){marks}")
        if not indent:
            lines.append("")
    return len(groups)
