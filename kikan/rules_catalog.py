"""Every business's parameter files, loaded and validated at start (a broken file stops the
process at start-up, never at first use)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from kikan.core.rules import ParameterError, ParameterSet, Problem, load_parameter_dir

ROOT = Path(__file__).resolve().parent


def _models(d: Path) -> dict | None:
    """Table models a business registers for its parameter folder (``<pkg>/tables.py: MODELS``)."""
    import importlib

    rel = d.parent.relative_to(ROOT.parent)
    try:
        mod = importlib.import_module(".".join(rel.parts) + ".tables")
    except ModuleNotFoundError:
        return None
    return getattr(mod, "MODELS", None)


def parameter_dirs(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in root.rglob("parameters") if p.is_dir() and any(p.glob("*.y*ml")))


def load_all(root: Path = ROOT) -> dict[str, ParameterSet]:
    """Namespace → ParameterSet for every ``parameters/`` folder; all problems reported at once."""
    out: dict[str, ParameterSet] = {}
    problems: list[Problem] = []
    for d in parameter_dirs(root):
        try:
            ps = load_parameter_dir(d, models=_models(d) if root == ROOT else None)
        except ParameterError as e:
            problems.extend(e.problems)
            continue
        for ns in ps.namespaces:
            out[ns] = ps
    if problems:
        raise ParameterError(problems)
    return out


@lru_cache(maxsize=1)
def catalog() -> dict[str, ParameterSet]:
    return load_all()
