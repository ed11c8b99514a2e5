"""Consult runs SQLAlchemy's Python result and row modules, not their compiled form
(consult/sqlalchemy_python.py: the compiled ones crashed threaded workers under load)."""

import ast
import os
import subprocess
import sys

import pytest

from consult import sqlalchemy_python

pytestmark = pytest.mark.dbless

PROBE = ("import consult, sqlalchemy.orm; from consult.sqlalchemy_python import "
         "compiled_in_use; print(compiled_in_use())")


def run(probe: str, **settings: str) -> subprocess.CompletedProcess:
    """``probe`` in a new Python process, without this one's choice unless given."""
    env = {k: v for k, v in os.environ.items() if k != "CONSULT_SQLALCHEMY_COMPILED"}
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env={**env, **settings}, check=True)


def test_this_test_process_runs_the_python_modules():
    assert sqlalchemy_python.compiled_in_use() == []
    import sqlalchemy.engine._result_cy as result

    assert result.__file__.endswith("_result_cy.py")


def test_a_process_that_imports_consult_runs_the_python_modules():
    assert run(PROBE).stdout.strip() == "[]"


def skip_without_compiled_modules() -> None:
    import sqlalchemy.engine

    folder = os.path.dirname(sqlalchemy.engine.__file__)
    if not any(name.startswith("_row_cy.") and name.endswith(".so")
               for name in os.listdir(folder)):
        pytest.skip("this installation of SQLAlchemy has no compiled modules")


def test_the_compiled_modules_on_request():
    skip_without_compiled_modules()
    compiled = run(PROBE, CONSULT_SQLALCHEMY_COMPILED="1").stdout
    assert "sqlalchemy.engine._result_cy" in compiled


def test_sqlalchemy_imported_first_keeps_its_modules_and_says_so():
    probe = ("import logging, sys; logging.basicConfig(); import sqlalchemy.orm; "
             "from consult import sqlalchemy_python as p; print(p.install())")
    done = run(probe)
    assert done.stdout.strip() == "False"
    assert "imported before consult" in done.stderr


def test_a_list_keeps_those_compiled_with_the_modules_they_import():
    asked = sqlalchemy_python.compiled_asked
    assert asked(None) is None and asked("0") is None
    assert asked("1") == sqlalchemy_python.PYTHON_ONLY
    assert asked("engine._row_cy, util._immutabledict_cy") == {
        "sqlalchemy.engine._row_cy", "sqlalchemy.util._immutabledict_cy"}
    # Cython's cimports: the cache keys need the SQL utilities, which need the collections
    assert asked("sql._cache_key_cy") == {"sqlalchemy.sql._cache_key_cy",
                                          "sqlalchemy.sql._util_cy",
                                          "sqlalchemy.util._collections_cy"}
    with pytest.raises(ValueError, match=r"unknown sqlalchemy\.engine\._rows_cy"):
        asked("engine._rows_cy")


def test_a_process_keeps_the_listed_modules_compiled_and_no_other():
    skip_without_compiled_modules()
    compiled = run(PROBE, CONSULT_SQLALCHEMY_COMPILED="engine._row_cy,sql._util_cy").stdout
    assert ast.literal_eval(compiled) == [
        "sqlalchemy.engine._row_cy", "sqlalchemy.sql._util_cy", "sqlalchemy.util._collections_cy"]
