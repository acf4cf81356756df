"""Trainer: the pods of a TrainJob, from the ClusterTrainingRuntimes, in user namespaces.

kubeflow/trainer@v2.2.0: the JobSet is the runtime's template with the TrainJob's overrides
(pkg/runtime/framework/plugins/jobset/builder.go:42-170 sets image, command, env, resources);
no plugin of the render's runtimes adds a container or a securityContext (only ``flux`` adds
an init container, for ``mlPolicy.flux``, flux.go:156-194). So each replicated job's pod
template is the pod, as written in the runtime.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

from kubeflow_devtools.policy.runtime.base import PodTemplate, as_dict, as_list
from kubeflow_devtools.policy.runtime.inputs import Inputs, place

NAME = "trainer"
IMAGE = "/trainer-controller-manager:"
MODELLED = ("v2.2.0",)


def templates(inputs: Inputs) -> list[PodTemplate]:
    """A pod per replicated job of each ClusterTrainingRuntime."""
    out = []
    for runtime in inputs.kind("ClusterTrainingRuntime", "trainer.kubeflow.org"):
        jobset = as_dict(as_dict(as_dict(runtime.obj.get("spec")).get("template")).get("spec"))
        for index, job in enumerate(as_list(jobset.get("replicatedJobs"))):
            if not isinstance(job, Mapping):
                continue
            template = as_dict(as_dict(as_dict(job.get("template")).get("spec")).get("template"))
            spec = as_dict(template.get("spec"))
            if not spec.get("containers"):
                continue
            name = str(job.get("name", "job"))
            out.append(
                PodTemplate(
                    NAME,
                    f"{runtime.name}-{name}",
                    f"TrainJob -> JobSet (ClusterTrainingRuntime {runtime.name}, job {name})",
                    copy.deepcopy(as_dict(template.get("metadata"))),
                    copy.deepcopy(spec),
                    place(runtime, ("spec", "template", "spec", "replicatedJobs", index)),
                )
            )
    return out
