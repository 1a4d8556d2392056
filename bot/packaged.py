"""Where an installed Python package keeps a model's files (the meaning and the voice models)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def model_folder(package: str, marker: str) -> Path | None:
    """Return the ``model`` folder inside an installed package, if it holds ``marker``; None
    if the package is not installed (or is installed without its model)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    found = Path(next(iter(spec.submodule_search_locations))) / "model"
    return found if (found / marker).exists() else None
