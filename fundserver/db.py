"""The server's database: SQLAlchemy 2 models, SQLite by default and PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal stored as its exact text, so SQLite never rounds money through a float."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


def utcnow() -> datetime:
    """The current time as a naive UTC datetime, the form every column here stores."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Counter(Base):
    """Monotonic counters: roster versions, submission versions, account-number sequences."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Unit(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_ratio: Mapped[Decimal] = mapped_column(DecimalText)
    personal_ratio: Mapped[Decimal] = mapped_column(DecimalText)
    paid_to: Mapped[str] = mapped_column(String(7))
    suspense_balance: Mapped[Decimal] = mapped_column(DecimalText)
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Person(Base):
    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    account_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    id_type: Mapped[str] = mapped_column(String(32))
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    sex: Mapped[str] = mapped_column(String(4))
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(8))
    base: Mapped[Decimal] = mapped_column(DecimalText)
    unit_ratio: Mapped[Decimal] = mapped_column(DecimalText)
    personal_ratio: Mapped[Decimal] = mapped_column(DecimalText)
    opened_on: Mapped[date] = mapped_column(Date)
    paid_to: Mapped[str] = mapped_column(String(7))
    version: Mapped[int] = mapped_column(Integer, index=True)
    # The month the account last changed state (封存年月, 启封年月, 转入年月); None for old data.
    status_month: Mapped[str | None] = mapped_column(String(7), nullable=True)


class RosterDeparture(Base):
    """A person who left a unit's roster (内部转移 out): the unit's delta sync removes them.

    `record` is the person as the unit last saw them; `version` is a roster version, so the
    departure comes in the same delta stream as the people who changed.
    """

    __tablename__ = "roster_departures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    account_no: Mapped[str] = mapped_column(String(32))
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, index=True)


class Token(Base):
    """An issued token, kept only as its SHA-256 so a database leak gives no usable token."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # "access" or "refresh"
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(default=False)
    # The login this token descends from: a reused refresh token revokes all of it.
    family: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    # When a refresh retired this refresh token (a retry within the grace window is answered).
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Throttle(Base):
    """One throttled key: `pair:<unit>|<address>`, `unit:<unit>`, `addr:<address>`, …"""

    __tablename__ = "throttles"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)  # attempts (or hits in the window)
    quota: Mapped[int] = mapped_column(Integer, default=0)  # attempts checked while count <= quota
    level: Mapped[int] = mapped_column(Integer, default=0)  # blocks so far: the delay doubles
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_at: Mapped[datetime] = mapped_column(DateTime)


class LookupAudit(Base):
    """Every centre-wide person lookup: who asked, for whom (masked), and what they got."""

    __tablename__ = "lookup_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    name: Mapped[str] = mapped_column(String(100))
    id_number_masked: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))  # found / no_match / rate_limited


class Blob(Base):
    """Stored attachment content, one row per distinct SHA-256."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Attachment(Base):
    """A unit's claim on a blob: the id a submission names is the blob's SHA-256."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("unit_id", "sha256"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    material: Mapped[str] = mapped_column(String(100))
    business: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("unit_id", "idempotency_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    business: Mapped[str] = mapped_column(String(32), index=True)
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    attachments: Mapped[list[str]] = mapped_column(JSON)
    client_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    reviewer: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, index=True)


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # WAL: readers never wait for the writer, and a commit appends to one file instead of
    # writing a rollback journal, the database and deleting the journal, each synced (issue 12:
    # ≈ 3 commits per submission at 10-30 ms each under load). synchronous=NORMAL in WAL mode
    # syncs at checkpoints only: a commit survives the server process crashing and commits keep
    # their order; a power cut may lose the last few, never corrupt the file.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(database_url: str) -> Engine:
    """An engine for the URL, with the tables created (the reference server needs no migrations)."""
    kwargs: dict[str, Any] = {}
    if database_url.startswith("sqlite"):
        # The app serves requests from a thread pool; each checkout is still one thread at a time.
        kwargs["connect_args"] = {"check_same_thread": False}
    engine = create_engine(database_url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    Base.metadata.create_all(engine)
    _add_new_columns(engine)
    return engine


# Columns added after the first release: create_all makes missing tables, not missing columns,
# so a database made by an older fundserver (a demo centre.db) gets them here (all nullable).
_ADDED_COLUMNS = {
    "tokens": {"family": "VARCHAR(32)", "rotated_at": "TIMESTAMP"},
    "persons": {"status_month": "VARCHAR(7)"},
}


def _add_new_columns(engine: Engine) -> None:
    inspector = inspect(engine)
    with engine.begin() as connection:
        for table, columns in _ADDED_COLUMNS.items():
            present = {c["name"] for c in inspector.get_columns(table)}
            for name, sql_type in columns.items():
                if name not in present:
                    connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {name} {sql_type}"))


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def next_value(session: Session, name: str) -> int:
    """Take the next value of a counter inside the caller's transaction (1, 2, 3, …)."""
    return _bump(session, name, 1)


def take_values(session: Session, name: str, count: int) -> Iterator[int]:
    """The next `count` values of a counter, taken in one statement (a batch's: issue 12), in
    order; those the caller does not use are a gap, which a `version > since` cursor skips."""
    top = _bump(session, name, count)
    return iter(range(top - count + 1, top + 1))


def _bump(session: Session, name: str, count: int) -> int:
    bump = update(Counter).where(Counter.name == name).values(value=Counter.value + count)
    if session.get_bind().dialect.update_returning:  # SQLite ≥ 3.35, PostgreSQL: one statement
        value = session.scalar(bump.returning(Counter.value))
    else:
        done = session.execute(bump)
        value = current_value(session, name) if getattr(done, "rowcount", 0) else None
    if value is None:
        session.add(Counter(name=name, value=0))
        session.flush()
        return _bump(session, name, count)
    return int(value)


def current_value(session: Session, name: str) -> int:
    return int(session.scalar(select(Counter.value).where(Counter.name == name)) or 0)


ROSTER_COUNTER = "roster_version"
SUBMISSION_COUNTER = "submission_version"
