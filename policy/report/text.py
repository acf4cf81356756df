"""The human-readable report: findings grouped by resource, namespaces, then a summary line."""

from __future__ import annotations

from kubeflow_devtools.policy.model.findings import Finding, fails_run
from kubeflow_devtools.policy.model.report import Report

_COLORS = {"error": "31", "warning": "33", "ok": "32", "dim": "2", "bold": "1"}


def _resource_key(f: Finding) -> tuple[str, str, str, str]:
    return (f.file or "", f.kind, f.namespace or "", f.name)


def render_text(report: Report, *, color: bool = False, quiet: bool = False) -> str:
    """Findings grouped by resource (file order), the namespace table and a summary line.

    ``quiet`` keeps only failing findings and the summary line; ``color`` adds ANSI colours.
    """

    def paint(text: str, style: str) -> str:
        return f"\033[{_COLORS[style]}m{text}\033[0m" if color else text

    lines: list[str] = [paint(f"warning: {w}", "warning") for w in report.warnings]
    if lines:
        lines.append("")
    groups: dict[tuple[str, str, str, str], list[Finding]] = {}
    for finding in report.findings:
        if quiet and not fails_run(finding, report.options.fail_on):
            continue
        groups.setdefault(_resource_key(finding), []).append(finding)
    for (file, kind, namespace, name), findings in groups.items():
        where = f"{namespace}/{name}" if namespace else name
        first = min((f.line for f in findings if f.line is not None), default=None)
        location = f"{file}:{first}" if first is not None else file
        lines.append(f"{paint(f'{kind} {where}', 'bold')}  ({location})")
        width = max(len(f.rule) for f in findings)
        for f in findings:
            at = f"line {f.line}" if f.line is not None else "line ?"
            marks = " [waived]" if f.waived else ""
            marks += " [baseline]" if f.baselined else ""
            marks += " [injected]" if f.injected else ""
            style = "dim" if not f.fails else ("warning" if f.severity == "warning" else "error")
            rule = paint(f"{f.rule:<{width}}", style)
            lines.append(f"  {rule}  {f.message}  ({at}){marks}")
        lines.append("")
    rows = report.namespace_summaries()
    if report.mesh.present and not quiet and not rows:
        lines += [report.mesh.description, ""]
    if rows and not quiet:
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
        f"{verdict}: {s.findings} finding(s) in {len(groups)} of {s.resources} resource(s); "
        f"{s.pod_specs} pod spec(s), {s.containers} container(s) checked against {policy}"
        + (f"; {s.failing} failing" if s.failing != s.findings else "")
        + (f"; {s.waived} waived" if s.waived else "")
        + (f"; {s.errors} input error(s)" if s.errors else "")
    )
    return "\n".join(lines) + "\n"
