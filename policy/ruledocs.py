"""The rule reference (``docs/rules.md``), generated from the rule registry.

``python -m kubeflow_devtools.policy.ruledocs > docs/rules.md`` regenerates it; a test fails
when the committed page differs from what the registry says, so the docs never drift from the code.
"""

from __future__ import annotations

import sys

from kubeflow_devtools.policy.model.findings import RuleInfo
from kubeflow_devtools.policy.pss.remediation import REMEDIATION
from kubeflow_devtools.policy.rules import all_rules

HEADER = """\
# rootless-check rule reference

Generated from the rule registry by `python -m kubeflow_devtools.policy.ruledocs`;
do not edit by hand.

Pod Security rules carry the check ids of Kubernetes' Pod Security Admission and its
verdicts at every policy version (`--pss-version`). `--profile restricted` (the default) runs
the restricted rules and the baseline rules they do not override. Mesh rules predict what the
Istio mesh does at admission; config rules are about waivers. Severity `error` fails the run,
`warning` does not (unless `--fail-on warning`).

| rule | level | severity | policy versions | what |
|---|---|---|---|---|
"""


def _section(rule: RuleInfo) -> str:
    lines = [f"## {rule.id}", ""]
    lines.append(f"**{rule.title}.** Level `{rule.level}`, severity `{rule.severity}`.")
    if rule.versions:
        lines.append(f"Policy versions: {rule.versions}.")
    lines += ["", rule.doc.strip() or rule.title, ""]
    remedy = REMEDIATION.get(rule.id)
    if remedy is not None:
        lines += [f"**Why:** {remedy.why}", "", f"**How to fix:** {remedy.fix}", ""]
        lines += ["Compliant example:", "", "```yaml", remedy.example, "```", ""]
    return "\n".join(lines)


def render_rule_reference() -> str:
    """The whole rule reference page as Markdown."""
    rules = all_rules()
    table = "".join(
        f"| [`{r.id}`](#{r.id.lower()}) | {r.level} | {r.severity} | {r.versions or '-'} | "
        f"{r.title} |\n"
        for r in rules
    )
    return HEADER + table + "\n" + "\n".join(_section(r) for r in rules)


def main() -> None:
    """Print the rule reference."""
    sys.stdout.write(render_rule_reference())


if __name__ == "__main__":
    main()
