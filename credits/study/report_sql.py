"""The progress report's reads and writes: one statement each way.

Most requests on a study evening are progress reports. Through the ORM a report made fifteen
queries where a bare authenticated request makes two, and a server answered five bare
requests for each report. Here a report reads and locks its session, the learner's progress
on the lesson and the learner's clock in one statement (the clock serialises a learner's
reports whatever tab or device they come from), and writes everything it changed in one more:
on PostgreSQL a single statement of data-modifying WITH clauses, both prepared once per
connection.

The SQL is built from the models' own metadata, and values go through each field's own
preparation and conversion, so it stays in step with the models on SQLite and PostgreSQL.
"""

import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from functools import cache

from django.db import connection
from django.db.models import Model

from courses.models import Enrolment

from .models import LessonProgress, ProgressReport, RefusedTime, StudyClock, WatchSession

Statement = tuple[str, list]

_STATE = (
    (
        WatchSession,
        "s",
        (
            "id",
            "learner",
            "lesson",
            "progress",
            "clock",
            "started_at",
            "last_report_at",
            "last_seq",
            "credited_seconds",
            "refused_seconds",
            "position",
            "enrolment",
            "duration",
            "max_rate",
            "attention_checks",
        ),
    ),
    (
        LessonProgress,
        "p",
        (
            "id",
            "learner",
            "lesson",
            "watched",
            "watched_seconds",
            "credited_seconds",
            "position",
            "completed_at",
        ),
    ),
    (
        StudyClock,
        "c",
        (
            "id",
            "learner",
            "credited_until",
            "day",
            "day_seconds",
            "attention_blocked",
            "attention_check",
            "attention_due_at",
            "attention_after",
        ),
    ),
)


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _fields(model, names) -> list:
    """The named fields in the model's own order, the order ``Model.from_db`` expects."""
    return [f for f in model._meta.concrete_fields if f.name in names]


@cache
def _state_query(vendor: str) -> tuple[str, list, list]:
    """The SELECT for one report's state, each column's converters, and each model's columns
    (attnames) in the order ``Model.from_db`` takes them."""
    columns, decoders, shapes = [], [], []
    for model, alias, names in _STATE:
        fields = _fields(model, names)
        shapes.append((model, [field.attname for field in fields]))
        for field in fields:
            columns.append(f"{alias}.{_qn(field.column)}")
            expression = field.get_col(alias)
            converters = connection.ops.get_db_converters(expression)
            converters += expression.get_db_converters(connection)
            decoders.append((expression, converters))
    session, progress, clock = (model._meta for model, _alias, _names in _STATE)
    # Whether the page view's enrolment still holds: one more column, not one more query.
    enrolment = Enrolment._meta
    left = enrolment.get_field("left_at").column
    columns.append(f"(e.{_qn('id')} IS NOT NULL AND e.{_qn(left)} IS NULL)")
    sql = (
        f"SELECT {', '.join(columns)} FROM {_qn(session.db_table)} s "  # noqa: S608 - names from model metadata
        f"INNER JOIN {_qn(progress.db_table)} p ON p.{_qn('id')} = s.{_qn('progress_id')} "
        f"INNER JOIN {_qn(clock.db_table)} c ON c.{_qn('id')} = s.{_qn('clock_id')} "
        f"LEFT JOIN {_qn(enrolment.db_table)} e ON e.{_qn('id')} = s.{_qn('enrolment_id')} "
        f"WHERE s.{_qn('id')} = %s AND s.{_qn('learner_id')} = %s"
    )
    if connection.features.has_select_for_update_of:
        # All three: under READ COMMITTED only locked rows are re-read after waiting for a lock,
        # and a report that waited must see what the report before it wrote.
        strength = "NO KEY UPDATE" if connection.features.has_select_for_no_key_update else "UPDATE"
        sql += f" FOR {strength} OF s, p, c"
    return sql, decoders, shapes


def report_state(
    *, session_id: uuid.UUID, learner_id: int
) -> tuple[WatchSession, LessonProgress, StudyClock, bool] | None:
    """The session (if it is this learner's), its progress row and the learner's clock, locked
    until the transaction ends, and whether the session's enrolment is still active. Call
    inside ``transaction.atomic``."""
    sql, decoders, shapes = _state_query(connection.vendor)
    session_pk = WatchSession._meta.pk.get_db_prep_value(session_id, connection)
    with _cursor() as cursor:
        cursor.execute(sql, [session_pk, learner_id])
        row = cursor.fetchone()
    if row is None:
        return None
    *row, enrolled = row
    values = []
    for value, (expression, converters) in zip(row, decoders, strict=True):
        for converter in converters:
            value = converter(value, expression, connection)
        values.append(value)
    instances, start = [], 0
    for model, attnames in shapes:
        chunk = values[start : start + len(attnames)]
        instances.append(model.from_db(connection.alias, attnames, chunk))
        start += len(attnames)
    session, progress, clock = instances
    return session, progress, clock, bool(enrolled)


@cache
def _update_sql(model, names: tuple[str, ...], vendor: str) -> tuple[str, list]:
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    sets = ", ".join(f"{_qn(field.column)} = %s" for field in fields)
    return f"UPDATE {_qn(meta.db_table)} SET {sets} WHERE {_qn(meta.pk.column)} = %s", fields  # noqa: S608 - names from model metadata


def update(instance: Model, names: Iterable[str]) -> Statement:
    """UPDATE of the named fields of ``instance``, by primary key."""
    sql, fields = _update_sql(type(instance), tuple(names), connection.vendor)
    params = [
        field.get_db_prep_save(getattr(instance, field.attname), connection) for field in fields
    ]
    params.append(instance._meta.pk.get_db_prep_value(instance.pk, connection))
    return sql, params


@cache
def _insert_report_sql(vendor: str) -> tuple[str, list]:
    meta = ProgressReport._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    columns = ", ".join(_qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {_qn(meta.db_table)} ({columns}) VALUES ({marks})", fields  # noqa: S608 - names from model metadata


def insert_report(report: ProgressReport) -> Statement:
    sql, fields = _insert_report_sql(connection.vendor)
    return sql, [f.get_db_prep_save(getattr(report, f.attname), connection) for f in fields]


@cache
def _insert_refusal_sql(vendor: str) -> tuple[str, list]:
    meta, reports = RefusedTime._meta, ProgressReport._meta
    fields = [f for f in meta.concrete_fields if f.name not in ("id", "report")]
    columns = ", ".join(_qn(f.column) for f in [*fields, meta.get_field("report")])
    marks = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {_qn(meta.db_table)} ({columns}) "  # noqa: S608 - names from model metadata
        f"SELECT {marks}, r.{_qn('id')} FROM {_qn(reports.db_table)} r "
        f"WHERE r.{_qn('session_id')} = %s AND r.{_qn('seq')} = %s"
    )
    return sql, fields


def insert_refusal(refusal: RefusedTime, *, report: ProgressReport) -> Statement:
    """INSERT of a refusal tied to ``report``, found by its (session, seq) in the same trip."""
    sql, fields = _insert_refusal_sql(connection.vendor)
    params = [f.get_db_prep_save(getattr(refusal, f.attname), connection) for f in fields]
    session = ProgressReport._meta.get_field("session")
    params += [session.get_db_prep_save(report.session_id, connection), report.seq]
    return sql, params


@contextmanager
def _cursor():
    """On PostgreSQL, a server-side-binding cursor on Django's own connection, inside the same
    transaction: psycopg prepares a statement it has run a few times on a connection, so the
    server stops parsing and planning the report's two statements, and parameters travel
    bound rather than quoted into the text. Elsewhere, Django's cursor."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor


def execute_together(statements: list[Statement], *, then: list[Statement] = ()) -> None:
    """Run independent write statements in one round trip where the database allows it, then
    ``then``, which may read what they wrote.

    PostgreSQL takes them as one statement of data-modifying WITH clauses (each sees the same
    snapshot, so none may depend on another); elsewhere they run one after another. Either way
    they are inside the caller's transaction.
    """
    with _cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            *first, last = statements
            clauses = ", ".join(f"w{n} AS ({sql})" for n, (sql, _params) in enumerate(first))
            cursor.execute(
                f"WITH {clauses} {last[0]}",
                [param for _sql, params in statements for param in params],
            )
            statements = []
        for sql, params in [*statements, *then]:
            cursor.execute(sql, params)
