"""Every rule rootless-check can report, in one registry: Pod Security checks, mesh rules,
and the rules about waivers themselves. Reports (SARIF's rule table, the rule reference
docs, ``--list-checks``) are generated from here, so they never drift from the code.
"""

from __future__ import annotations

import inspect
from functools import cache

from kubeflow_devtools.policy.mesh.rules import MESH_RULES
from kubeflow_devtools.policy.model.findings import RuleInfo
from kubeflow_devtools.policy.pss import Check, all_checks

WAIVER_EXPIRED = RuleInfo(
    "waiverExpired",
    "config",
    "error",
    "A waiver has expired",
    "A waiver in the configuration file has an `expires` date in the past. The run fails until "
    "the waiver is renewed (with a new reason and date) or removed and the findings it covered "
    "are fixed.",
)
WAIVER_UNUSED = RuleInfo(
    "waiverUnused",
    "config",
    "warning",
    "A waiver matches nothing",
    "A waiver in the configuration file no longer matches any finding: the problem it covered "
    "is gone. Remove it, so that it cannot hide a new problem later.",
)

DUPLICATE_OBJECT = RuleInfo(
    "duplicateObject",
    "config",
    "warning",
    "One object is defined more than once in one input",
    "Two documents of one input (a kustomization root, a Helm chart's render, the plain "
    "manifests of a folder) define the same object (API group, kind, namespace and name). "
    "Applied together, the last one wins, so the checks could judge a definition the cluster "
    "never keeps: a Namespace with other labels, a Deployment with another security context. "
    "Keep one definition per object.",
)

CONFIG_RULES = (WAIVER_EXPIRED, WAIVER_UNUSED, DUPLICATE_OBJECT)

SCHEMA = RuleInfo(
    "schema",
    "schema",
    "error",
    "An object does not match the Kubernetes OpenAPI schema",
    "With `--schema`, every object whose kind Kubernetes defines is validated against the "
    "OpenAPI schema of `--kubernetes-version` (the schemas kubernetes-validate ships): a field "
    "of the wrong type, a missing required field or a value outside its enumeration is a "
    "finding at that field. The API server would reject the object. Custom resources have no "
    "such schema and are counted in `schemaSkipped` instead.",
)


@cache
def pss_rule(check: Check) -> RuleInfo:
    """A Pod Security check described as a rule: its findings fail the run (``error``)."""
    return RuleInfo(
        check.id,
        check.level.value,
        "error",
        check.title,
        inspect.cleandoc(check.doc),
        ", ".join(f"v1.{v.minimum_version}+" for v in check.versions),
    )


def all_rules() -> list[RuleInfo]:
    """Every rule: Pod Security checks (PSA order), then mesh rules, then waiver rules."""
    return [*map(pss_rule, all_checks()), *MESH_RULES, *CONFIG_RULES, SCHEMA]


def rule_index() -> dict[str, RuleInfo]:
    """All rules by id."""
    return {rule.id: rule for rule in all_rules()}
