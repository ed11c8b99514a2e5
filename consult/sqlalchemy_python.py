"""SQLAlchemy's Python implementation of its eight accelerated modules (results, rows,
collections, cache keys), not their compiled (Cython) form: under a gunicorn worker's
threads the compiled ones crash the worker.

Under the benchmark's load (the survey's results, 32 connections, four workers of eight
threads), a worker died of SIGSEGV about once every five minutes with SQLAlchemy 2.1.9's
compiled modules, in ORM loading or rendering (objects freed while still referenced:
memory corrupted earlier). With the Python implementation of the same modules none did,
also when both ran side by side on the same database for the same time (bench/README.md,
« eighth pass »: 8 crashes in 39 minutes against none in 26). No SQLite connection
crosses threads (consult.sqlite_threads watched every call). The cost: 6 to 9 % of the
signed-in rows' throughput.

SQLAlchemy ships each compiled module beside its Python source and works with either.
``install()`` — run when the ``consult`` package is imported, before SQLAlchemy — puts a
finder first on the import path that gives the Python source of the modules below.
``CONSULT_SQLALCHEMY_COMPILED=1`` keeps all the compiled modules (to check whether a
later release of SQLAlchemy or Python no longer crashes: ``bench/crash.py``); a list of
them by their name under ``sqlalchemy.`` (``engine._result_cy,engine._row_cy``) keeps
those compiled and the others in Python. A compiled module that imports another at the C
level (``sql._cache_key_cy`` needs ``sql._util_cy``, which needs ``util._collections_cy``)
brings the ones it needs with it."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import sys

PYTHON_ONLY = frozenset({
    "sqlalchemy.engine._processors_cy",
    "sqlalchemy.engine._result_cy",
    "sqlalchemy.engine._row_cy",
    "sqlalchemy.engine._util_cy",
    "sqlalchemy.sql._cache_key_cy",
    "sqlalchemy.sql._util_cy",
    "sqlalchemy.util._collections_cy",
    "sqlalchemy.util._immutabledict_cy",
})


# what a compiled module imports at the C level (Cython's ``cimport``): it cannot load
# beside the Python form of these
NEEDS = {
    "sqlalchemy.sql._cache_key_cy": ("sqlalchemy.sql._util_cy",),
    "sqlalchemy.sql._util_cy": ("sqlalchemy.util._collections_cy",),
}


def compiled_asked(setting: str | None) -> frozenset[str] | None:
    """The modules ``CONSULT_SQLALCHEMY_COMPILED`` keeps compiled: None for none (the
    default), all of them for ``1``, or the listed ones with those they need; an unknown
    name is an error, not a silent choice."""
    if not setting or setting == "0":
        return None
    if setting == "1":
        return PYTHON_ONLY
    asked = {"sqlalchemy." + name.strip() for name in setting.split(",") if name.strip()}
    unknown = asked - PYTHON_ONLY
    if unknown:
        raise ValueError(f"CONSULT_SQLALCHEMY_COMPILED: unknown {', '.join(sorted(unknown))}"
                         f" (one of {', '.join(sorted(n[11:] for n in PYTHON_ONLY))})")
    while True:
        more = {need for name in asked for need in NEEDS.get(name, ())} - asked
        if not more:
            return frozenset(asked)
        asked |= more


class PythonSource(importlib.abc.MetaPathFinder):
    """Finds the ``.py`` source of the modules of ``PYTHON_ONLY`` (but those kept
    compiled) where the import system would take the compiled module beside it."""

    def __init__(self, compiled: frozenset[str] = frozenset()):
        self.python = PYTHON_ONLY - compiled

    def find_spec(self, name, path, target=None):
        if name not in self.python or not path:
            return None
        for folder in path:
            source = os.path.join(folder, name.rpartition(".")[2] + ".py")
            if os.path.isfile(source):
                loader = importlib.machinery.SourceFileLoader(name, source)
                return importlib.util.spec_from_file_location(name, source, loader=loader)
        return None


def install() -> bool:
    """Put the finder in place (once); False when all the compiled modules are asked
    for, or were imported already (then they stay: a module cannot be swapped once in
    use)."""
    compiled = compiled_asked(os.environ.get("CONSULT_SQLALCHEMY_COMPILED")) or frozenset()
    if compiled == PYTHON_ONLY:
        return False
    if any(isinstance(finder, PythonSource) for finder in sys.meta_path):
        return True
    early = sorted(PYTHON_ONLY & sys.modules.keys())
    if early:
        logging.getLogger(__name__).warning(
            "SQLAlchemy was imported before consult: its compiled %s stay", ", ".join(early))
        return False
    sys.meta_path.insert(0, PythonSource(compiled))
    return True


def compiled_in_use() -> list[str]:
    """The modules of ``PYTHON_ONLY`` loaded in their compiled form in this process."""
    return sorted(name for name in PYTHON_ONLY
                  if not getattr(sys.modules.get(name), "__file__", ".py").endswith(".py"))
