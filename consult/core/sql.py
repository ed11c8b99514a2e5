"""Small portable SQL helpers for SQLite and PostgreSQL."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam, exc, func
from sqlalchemy.dialects import postgresql, sqlite

from consult.db import db


def read(statement, **params):
    """Run a SELECT built once, at import, with ``bindparam``s, on the session's
    connection: the reads of every signed-in request then build no statement and no ORM
    row (building the statement was most of their cost: about 200 µs each, 30–70 µs
    prebuilt). Pending ORM changes are flushed first, as the session's queries would.

    The statement is compiled once for the dialect and run on the driver's cursor, its
    parameters and columns converted as SQLAlchemy would (``_Compiled``): SQLAlchemy's
    execution of a statement it has cached (the execution context, the result's
    metadata, its rows) took 31 µs for the session's statement, the cursor 7; a
    signed-in idea page runs five reads (1.33–1.43 → 1.12–1.18 ms in process). Listeners
    of ``before_cursor_execute`` still see every statement (the tests count them). A
    statement whose SQL depends on its values (an IN list to expand) goes through
    SQLAlchemy; a driver's error is raised as SQLAlchemy's own."""
    if db.session.autoflush:
        db.session.flush()
    return execute(statement, params)


def execute(statement, params: dict | list[dict]):
    """Run a prebuilt statement (a read, or a write of the hottest paths: a support) on
    the session's connection, on the driver's cursor when its SQL does not depend on
    its values (see ``read``). The engine's listeners see it before it runs — on SQLite
    the first write of a request takes the writer's turn there (``consult.db``)."""
    connection = db.session.connection()
    compiled = (_compiled(statement, connection.dialect, tuple(sorted(params)))
                if isinstance(params, dict) else None)
    if compiled is None:  # (a list of parameters: executemany, SQLAlchemy's)
        return connection.execute(statement, params)
    sql, parameters = compiled.sql, compiled.parameters(params)
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        if connection._has_events or connection.engine._has_events:
            connection.dispatch.before_cursor_execute(connection, cursor, sql, parameters,
                                                      None, False)
        cursor.execute(sql, parameters)
        description = cursor.description  # None: a write without RETURNING
        rows = cursor.fetchall() if description is not None else []
        rowcount = cursor.rowcount
    except connection.dialect.loaded_dbapi.Error as error:
        # raised as SQLAlchemy's own (an IntegrityError stays one), the connection
        # invalidated if it was lost: the replica's fallback and the pool read those
        connection._handle_dbapi_exception(error, sql, parameters, cursor, None)
        raise  # (the line above always raises)
    finally:
        cursor.close()
    result = Rows(compiled.convert(rows, description))
    result.rowcount = rowcount
    return result


class Rows(list):
    """The rows of a ``read`` or ``execute`` (tuples), with the few ways of SQLAlchemy's
    results the callers use; ``rowcount``: the rows a write changed."""

    rowcount = -1

    def all(self) -> list:
        return self

    def first(self):
        return self[0] if self else None

    def scalar(self):
        return self[0][0] if self else None

    def scalars(self) -> list:
        return [row[0] for row in self]

    def one(self):
        if len(self) != 1:
            raise exc.NoResultFound("no row") if not self else exc.MultipleResultsFound(
                "more than one row")
        return self[0]

    def scalar_one(self):
        return self.one()[0]


class _Compiled:
    """A prebuilt statement compiled for one dialect and set of parameter names: its
    SQL, the order of its parameters (positional drivers), their defaults (a LIMIT's, a
    column's constant default), the conversions of its binds and, from its first
    execution's description, of its columns."""

    def __init__(self, compiled) -> None:
        self.sql = compiled.string
        self.positions = compiled.positiontup  # None: named parameters (psycopg)
        self.defaults = {name: bind.effective_value for bind, name in compiled.bind_names.items()
                         if not bind.required}
        for column in [*compiled.insert_prefetch, *compiled.update_prefetch]:
            self.defaults[column.key] = column.default.arg  # a constant (see _compiled)
        self.binds = dict(compiled._bind_processors)
        self.types = [column.type for column in compiled._result_columns]
        self.dialect = compiled.dialect
        self.processors = None

    def parameters(self, params: dict):
        values = {**self.defaults, **params} if self.defaults else params
        if self.binds:
            values = {name: (self.binds[name](value) if name in self.binds else value)
                      for name, value in values.items()}
        if self.positions is None:
            return values
        return [values[name] for name in self.positions]

    def convert(self, rows: list, description) -> list:
        if self.processors is None:
            kinds = [column[1] for column in description or ()]
            processors = [kind_type._cached_result_processor(self.dialect, kind)
                          for kind_type, kind in zip(self.types, kinds, strict=False)]
            self.processors = [(index, processor) for index, processor in enumerate(processors)
                               if processor is not None]
        if not self.processors:
            return rows
        converted = []
        for row in rows:
            values = list(row)
            for index, processor in self.processors:
                values[index] = processor(values[index])
            converted.append(tuple(values))
        return converted


_COMPILED: dict[tuple[Any, str, tuple[str, ...]], _Compiled | None] = {}
_MOST = 256  # prebuilt statements are module constants: a few dozen


def _compiled(statement, dialect, names: tuple[str, ...]) -> _Compiled | None:
    # as SQLAlchemy compiles it: an INSERT without values() sets the columns named by
    # its parameters
    key = (statement, dialect.name, names)  # a statement hashes by identity
    try:
        return _COMPILED[key]
    except KeyError:
        pass
    if len(_COMPILED) >= _MOST:  # one built at each call: SQLAlchemy's own cache
        return None
    compiled = statement.compile(dialect=dialect, column_keys=list(names))
    defaults = [*compiled.insert_prefetch, *compiled.update_prefetch]  # set in Python
    plain = (not compiled.post_compile_params and not compiled.literal_execute_params
             and not compiled.has_out_parameters
             and all(column.default is not None and column.default.is_scalar
                     for column in defaults))
    _COMPILED[key] = prepared = _Compiled(compiled) if plain else None
    return prepared


def insert_ignore(table, **values) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when the row was inserted.

    Uses RETURNING rather than rowcount, which some drivers report as -1 here."""
    statement = _insert_ignore(db.dialect, table, tuple(values))
    # on the session's connection: a Core statement needs none of the ORM's bookkeeping
    return execute(statement, values).first() is not None


# The two upserts are built once per table and columns (the support path runs both):
# building one cost more than running it.
@cache
def _insert_ignore(dialect_name: str, table, columns: tuple[str, ...]):
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    primary_key = next(iter(table.primary_key.columns))
    return (dialect.insert(table).values(
        {name: bindparam(name, type_=table.c[name].type) for name in columns})
            .on_conflict_do_nothing().returning(primary_key))


@cache
def _add_to_counter(dialect_name: str, table, column: str, key: tuple[str, ...]):
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(table).values(
        {**{name: bindparam(name, type_=table.c[name].type) for name in key},
         column: bindparam("step_", type_=table.c[column].type)})
    return statement.on_conflict_do_update(
        index_elements=list(key), set_={column: table.c[column] + statement.excluded[column]})


def add_to_counter(table, column: str, step: int, **key) -> None:
    """Add ``step`` to ``column`` of the row of ``table`` at ``key``, creating the row
    (INSERT … ON CONFLICT DO UPDATE): one statement, the row locked for the rest of the
    transaction only."""
    statement = _add_to_counter(db.dialect, table, column, tuple(key))
    execute(statement, {**key, "step_": step})


@cache
def _add_to_counters(dialect_name: str, table, column: str, key: tuple[str, ...]):
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    step = bindparam("step_", type_=table.c[column].type)
    # a new row starts at the step, or at 0 for a negative one: both databases check a
    # CHECK (n >= 0) on the row proposed for insertion before they find the conflict
    start = (func.greatest if dialect_name == "postgresql" else func.max)(step, 0)
    return dialect.insert(table).values(
        {**{name: bindparam(name, type_=table.c[name].type) for name in key}, column: start}
    ).on_conflict_do_update(index_elements=list(key), set_={column: table.c[column] + step})


def add_to_counters(table, column: str, key: tuple[str, ...], steps: list[dict]) -> None:
    """Add to many counters in one execution (each dict of ``steps``: the key's columns
    and ``step_``), creating the rows missing. Give them in key order: concurrent
    writers then lock the rows in one order (PostgreSQL)."""
    if steps:
        statement = _add_to_counters(db.dialect, table, column, key)
        db.session.connection().execute(statement, steps)


def stream_rows(statement, batch: int = 100_000):
    """The rows of a SELECT as lists of plain tuples, ``batch`` at a time, straight from
    the driver: millions of votes read for a background job without building a Row
    object each (five times faster), and without holding them all in memory (a
    server-side cursor on PostgreSQL). Runs in the session's transaction."""
    connection = db.session.connection()
    compiled = statement.compile(dialect=connection.dialect,
                                 compile_kwargs={"render_postcompile": True})
    params = ([compiled.params[name] for name in compiled.positiontup]
              if compiled.positional else compiled.params)
    raw = connection.connection.dbapi_connection
    postgres = connection.dialect.name == "postgresql"
    cursor = raw.cursor(name="consult_stream") if postgres else raw.cursor()
    try:
        cursor.execute(str(compiled), params)
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        cursor.close()
