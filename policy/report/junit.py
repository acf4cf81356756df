"""JUnit XML: one test case per workload (pod spec), one failure per failing finding.

Test suites are files, or in repository mode the inputs (kustomization roots, charts, plain
files), each with a skipped test case per input that was excluded or skipped and an error
per input that failed to build.

Resources with findings but no pod spec (a Namespace, the injector's ConfigMap) get a test
case of their own; unreadable input is a test case with an ``error``. Waived, baselined and
warning findings are listed in the test case's ``system-out`` and do not fail it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from kubeflow_devtools.policy.model.findings import Finding, fails_run
from kubeflow_devtools.policy.model.objects import format_path
from kubeflow_devtools.policy.model.report import Report

Key = tuple[str, str, str, str, str]


def _resource_key(f: Finding) -> tuple[str, str, str, str]:
    return (f.input or f.file or "", f.kind, f.namespace or "", f.name)


def _case_name(kind: str, namespace: str, name: str, pod_path: str | None) -> str:
    where = f"{namespace}/{name}" if namespace else name
    return f"{kind} {where}" + (f" ({pod_path})" if pod_path else "")


def report_to_junit(report: Report) -> ET.Element:
    """The report as a ``testsuites`` element."""
    cases: dict[Key, int | None] = {}
    for workload in report.workloads:
        pod = workload.admitted.pod
        r = pod.resource
        group = workload.input or r.file
        cases.setdefault((group, r.kind, r.namespace or "", r.name, format_path(pod.path)), r.line)
    by_case: dict[Key, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        key = (*_resource_key(finding), finding.pod_path or "")
        if key not in cases:
            cases[key] = finding.line
        by_case[key].append(finding)
    root = ET.Element("testsuites", name="rootless-check")
    properties = ET.SubElement(root, "properties")
    ET.SubElement(properties, "property", name="mesh", value=report.mesh.description)
    for warning in report.warnings:
        ET.SubElement(properties, "property", name="warning", value=warning)
    suites: dict[str, ET.Element] = {}
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for key in cases:
        file, kind, namespace, name, _ = key
        suite = suites.get(file)
        if suite is None:
            suite = ET.SubElement(root, "testsuite", name=file or "(no file)")
            suite.attrib.update(tests="0", failures="0", errors="0", skipped="0")
            suites[file] = suite
        findings = by_case.get(key, [])
        case = ET.SubElement(
            suite,
            "testcase",
            classname=file or "rootless-check",
            name=_case_name(kind, namespace, name, key[4] or None),
        )
        located = next((f.file for f in findings if f.file), None) if findings else None
        if located or file:
            case.set("file", located or file)
        if cases[key] is not None:
            case.set("line", str(cases[key]))
        other = []
        failures = 0
        for finding in findings:
            text = f"{finding.path} (line {finding.line}): {finding.message}"
            if finding.container:
                text = f"container {finding.container}: {text}"
            if fails_run(finding, report.options.fail_on):
                failure = ET.SubElement(
                    case, "failure", message=f"{finding.rule}: {finding.message}", type=finding.rule
                )
                failure.text = text
                failures += 1
            else:
                state = (
                    "waived"
                    if finding.waived
                    else "baselined"
                    if finding.baselined
                    else finding.severity
                )
                other.append(f"[{state}] {finding.rule}: {text}")
        if other:
            ET.SubElement(case, "system-out").text = "\n".join(other)
        _bump(suite, "tests", 1)
        _bump(suite, "failures", 1 if failures else 0)
        totals["tests"] += 1
        totals["failures"] += 1 if failures else 0
    for result in report.inputs:
        if result.status in ("excluded", "skipped"):
            unchecked = ET.SubElement(root, "testsuite", name=result.path)
            unchecked.attrib.update(tests="1", failures="0", errors="0", skipped="1")
            entry = ET.SubElement(unchecked, "testcase", classname=result.path, name=result.kind)
            ET.SubElement(entry, "skipped", message=f"{result.status}: {result.reason}")
            totals["tests"] += 1
    if report.errors:
        suite = ET.SubElement(root, "testsuite", name="input errors")
        suite.attrib.update(
            tests=str(len(report.errors)), failures="0", errors=str(len(report.errors)), skipped="0"
        )
        for error in report.errors:
            case = ET.SubElement(suite, "testcase", classname=error.file, name=f"read {error.file}")
            ET.SubElement(case, "error", message=str(error), type="InputError").text = str(error)
        totals["tests"] += len(report.errors)
        totals["errors"] += len(report.errors)
    root.attrib.update({k: str(v) for k, v in totals.items()})
    return root


def _bump(element: ET.Element, attribute: str, by: int) -> None:
    element.set(attribute, str(int(element.get(attribute, "0")) + by))


def render_junit(report: Report) -> str:
    """The JUnit XML document as text."""
    root = report_to_junit(report)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
