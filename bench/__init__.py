"""The benchmark (``make bench``), its seed, profiler and reproducers.

``consult`` is imported first, before any of them imports SQLAlchemy: so the seed, the
profiler and the reproducers run SQLAlchemy's modules in the form the application runs
them (consult/sqlalchemy_python.py)."""

import consult  # noqa: F401
