"""A Markdown summary for ``$GITHUB_STEP_SUMMARY`` and pull-request comments."""

from __future__ import annotations

from collections import Counter

from kubeflow_devtools.policy.model.findings import Finding, fails_run
from kubeflow_devtools.policy.model.report import Report

MAX_ROWS = 50


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _where(f: Finding) -> str:
    where = f"{f.kind} {f.namespace + '/' if f.namespace else ''}{f.name}"
    return f"{f.input}: {where}" if f.input else where


def render_markdown(report: Report) -> str:
    """Verdict, per-namespace and per-rule tables, then the failing findings."""
    s = report.summary
    failing = [f for f in report.findings if fails_run(f, report.options.fail_on)]
    version = report.options.version
    policy = f"{report.options.level.value}@{'latest' if version is None else f'v1.{version}'}"
    verdict = "not rootless" if failing else "rootless"
    icon = "❌" if failing or report.errors else "✅"
    out = [f"## {icon} rootless-check: {verdict}", ""]
    answers = report.runtime_answers()
    if answers:
        out += ["**User namespaces** (pods Kubeflow creates at run time):", ""]
        for source, answer in answers:
            where = f"`{_cell(source)}`: " if source else ""
            out.append(f"- {where}{_cell(answer.line())}")
        out.append("")
    out += [
        f"{len(failing)} failing finding(s), {s.waived} waived, {s.findings} in all; "
        f"{s.resources} resources, {s.pod_specs} pod specs checked against `{policy}`. "
        f"{report.mesh.description}.",
        "",
    ]
    out += [f"> **Warning:** {_cell(w)}" for w in report.warnings]
    if report.warnings:
        out.append("")
    if report.errors:
        out += [f"**{len(report.errors)} input error(s):**", ""]
        out += [f"- `{_cell(str(e))}`" for e in report.errors[:MAX_ROWS]]
        out.append("")
    if report.inputs:
        out += [
            "### Inputs",
            "",
            "| input | kind | status | pods | failing | verdict or reason |",
            "|---|---|---|---|---|---|",
        ]
        for result in report.inputs:
            pods = str(len(result.report.workloads)) if result.report is not None else "-"
            why = result.verdict if result.status == "checked" else result.reason
            out.append(
                f"| `{_cell(result.path)}` | {result.kind} | {result.status} | {pods} | "
                f"{result.failing} | {_cell(why)} |"
            )
        out.append("")
    rows = report.namespace_summaries()
    if rows:
        out += [
            "### Namespaces",
            "",
            "| namespace | rootless | mesh | enforce | rootless workloads | injected |",
            "|---|---|---|---|---|---|",
        ]
        for r in rows:
            ok = "yes" if r.rootless == r.workloads else "no"
            name = f"{r.input}: {r.name}" if r.input else r.name
            out.append(
                f"| {_cell(name)} | {ok} | {r.mesh} | {_cell(r.enforce)} | "
                f"{r.rootless}/{r.workloads} | {r.injected} |"
            )
        out.append("")
    if report.findings:
        counts = Counter(f.rule for f in report.findings)
        fail_counts = Counter(f.rule for f in failing)
        waived = Counter(f.rule for f in report.findings if f.waived)
        baselined = Counter(f.rule for f in report.findings if f.baselined)
        levels = {f.rule: f.level for f in report.findings}
        out += [
            "### Rules",
            "",
            "| rule | level | failing | waived | baselined | total |",
            "|---|---|---|---|---|---|",
        ]
        for rule in sorted(counts, key=lambda r: (-fail_counts[r], r)):
            out.append(
                f"| `{rule}` | {levels[rule]} | {fail_counts[rule]} | {waived[rule]} | "
                f"{baselined[rule]} | {counts[rule]} |"
            )
        out.append("")
    if failing:
        out += [
            "### Failing findings",
            "",
            "| resource | container | rule | message | location |",
            "|---|---|---|---|---|",
        ]
        for f in failing[:MAX_ROWS]:
            location = f"{f.file}:{f.line}" if f.line is not None else f.file or ""
            out.append(
                f"| {_cell(_where(f))} | {_cell(f.container or '')} | `{f.rule}` | "
                f"{_cell(f.message)} | `{_cell(location)}` |"
            )
        if len(failing) > MAX_ROWS:
            out.append(f"\n… and {len(failing) - MAX_ROWS} more.")
        out.append("")
    accepted = [f for f in report.findings if f.waived or f.baselined]
    if accepted:
        out += [
            f"<details><summary>{len(accepted)} waived or baselined finding(s)</summary>",
            "",
            "| resource | container | rule | why accepted |",
            "|---|---|---|---|",
        ]
        for f in accepted[:MAX_ROWS]:
            why = f.waiver_reason or "" if f.waived else "in the baseline"
            out.append(
                f"| {_cell(_where(f))} | {_cell(f.container or '')} | `{f.rule}` | {_cell(why)} |"
            )
        if len(accepted) > MAX_ROWS:
            out.append(f"\n… and {len(accepted) - MAX_ROWS} more.")
        out += ["", "</details>", ""]
    return "\n".join(out) + "\n"
