"""The human-readable report: findings grouped by resource, then a summary line."""

from __future__ import annotations

from policy.scan import Finding, Report


def _resource_key(f: Finding) -> tuple[str, str, str, str]:
    return (f.file or "", f.kind, f.namespace or "", f.name)


def render_text(report: Report) -> str:
    """Findings grouped by resource (file order), one line each, and a summary line."""
    lines: list[str] = []
    groups: dict[tuple[str, str, str, str], list[Finding]] = {}
    for finding in report.findings:
        groups.setdefault(_resource_key(finding), []).append(finding)
    for (file, kind, namespace, name), findings in groups.items():
        where = f"{namespace}/{name}" if namespace else name
        first = min((f.line for f in findings if f.line is not None), default=None)
        location = f"{file}:{first}" if first is not None else file
        lines.append(f"{kind} {where}  ({location})")
        width = max(len(f.rule) for f in findings)
        for f in findings:
            at = f"line {f.line}" if f.line is not None else "line ?"
            marks = " [waived]" if f.waived else ""
            marks += " [injected]" if f.injected else ""
            lines.append(f"  {f.rule:<{width}}  {f.message}  ({at}){marks}")
        lines.append("")
    rows = report.namespace_summaries()
    if rows:
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
    verdict = "FAIL" if report.failed else "ok"
    lines.append(
        f"{verdict}: {s.findings} finding(s) in {len(groups)} of {s.resources} resource(s); "
        f"{s.pod_specs} pod spec(s), {s.containers} container(s) checked against {policy}"
        + (f"; {s.waived} waived" if s.waived else "")
        + (f"; {s.errors} input error(s)" if s.errors else "")
    )
    return "\n".join(lines) + "\n"
