"""GitHub Actions workflow commands: one annotation per finding (``::error file=,line=::``)."""

from __future__ import annotations

from kubeflow_devtools.policy.model.report import Report

_COMMAND = {"error": "error", "warning": "warning"}


def _data(text: str) -> str:
    """Escape a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escape a workflow command's property value."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report) -> str:
    """Annotations: errors and warnings as such, waived and baselined findings as notices."""
    lines = [f"::warning title=rootless-check::{_data(w)}" for w in report.warnings]
    if report.mesh.injection:
        lines.append(f"::notice title=rootless-check mesh::{_data(report.mesh.description)}")
    for finding in report.findings:
        command = _COMMAND.get(finding.severity, "error") if finding.fails else "notice"
        props = []
        if finding.file:
            props.append(f"file={_property(finding.file.removeprefix('./'))}")
            if finding.line is not None:
                props.append(f"line={finding.line}")
        title = f"rootless-check {finding.rule}" + (f" ({finding.input})" if finding.input else "")
        props.append(f"title={_property(title)}")
        where = (
            f"{finding.kind} {finding.namespace + '/' if finding.namespace else ''}{finding.name}"
        )
        message = f"{where}: {finding.message}"
        if finding.waived:
            message += f" [waived: {finding.waiver_reason}]"
        elif finding.baselined:
            message += " [in the baseline]"
        lines.append(f"::{command} {','.join(props)}::{_data(message)}")
    for result in report.inputs:
        if result.status in ("excluded", "skipped"):
            title = f"rootless-check: {result.kind} {result.status}"
            lines.append(
                f"::notice title={_property(title)}::{_data(result.path)}: {_data(result.reason)}"
            )
    for error in report.errors:
        props = [f"file={_property(error.file)}"]
        if error.line is not None:
            props.append(f"line={error.line}")
        lines.append(
            f"::error {','.join(props)},title=rootless-check input error::{_data(error.message)}"
        )
    return "".join(line + "\n" for line in lines)
