"""Re-exports are documented once: within an SDK of several subpackages, and across the
packages of one build (``--package kubeflow.trainer --package kubeflow.optimizer``)."""

from __future__ import annotations

from kubeflow_devtools.docgen.config import adhoc_sdk
from kubeflow_devtools.docgen.inventory import Alias, ApiObject, Inventory, documented_once
from kubeflow_devtools.docgen.project import render

TEMPLATE = "pkg.trainer.types.types.TrainJobTemplate"


def _inventory(package: str, *names: str) -> Inventory:
    objects = tuple(
        ApiObject(name, f"{package}.{name}", "class", f"pkg.trainer.types.types.{name}")
        for name in names
    )
    return Inventory(adhoc_sdk(package), "1.0", objects, ())


def test_a_class_two_packages_export_is_documented_by_the_first() -> None:
    trainer, optimizer = documented_once(
        [_inventory("pkg.trainer", "TrainJobTemplate"), _inventory("pkg.optimizer", "Search",
                                                                   "TrainJobTemplate")]
    )  # fmt: skip
    assert [o.path for o in trainer.objects] == ["pkg.trainer.TrainJobTemplate"]
    assert [o.path for o in optimizer.objects] == ["pkg.optimizer.Search"]
    assert optimizer.aliases == (
        Alias(
            "TrainJobTemplate", "pkg.optimizer.TrainJobTemplate", "", "pkg.trainer.TrainJobTemplate"
        ),
    )
    # a reference to the re-export resolves to the one page; no second description
    assert (
        optimizer.canonical_map()["pkg.optimizer.TrainJobTemplate"]
        == "pkg.trainer.TrainJobTemplate"
    )
    files = render([trainer, optimizer])
    assert "optimizer/TrainJobTemplate.md" not in files
    assert "{py:obj}`~pkg.optimizer.TrainJobTemplate`: documented as" in files["optimizer/index.md"]
