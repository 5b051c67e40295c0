"""The scripts under infra/ (not a package: they run on their own), loaded as modules for tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

INFRA = Path(__file__).resolve().parents[2] / "infra"


def load_infra_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, INFRA / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
