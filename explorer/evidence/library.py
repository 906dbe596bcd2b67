"""The user's library: every trial and data cut the app knows, and the user's notes.

One SQLite file (standard :mod:`sqlite3`, no Qt) holds three tables:

``trials``
    One row per trial, keyed by its registry id (``"NCT03809988"``), or by
    ``"acronym:<ACRONYM>"`` when the evidence gives none. The searchable columns
    (registry id, acronym, title, phase, population) come from the trial's latest cut.
``cuts``
    One row per data cut (an evidence file, or one study of a registry record).
    An *imported* cut stores the canonical JSON of its evidence
    (:func:`explorer.evidence.write.evidence_to_dict`, keys sorted), so the library
    keeps working when the imported file is moved or deleted. A *bundled* cut is only
    a pointer (``origin`` ``"bundled:evidence/x.json"``): its evidence is read from the
    app's resources each time, never copied into the database, and it cannot be
    removed. Bundled rows are brought in line with the installed resources every time
    a library is opened (a new app version with a corrected file updates its row).
``notes``
    The user's notes, keyed by trial and by analysis figure id (``"pfs.hr"``; the
    empty id is the note on the trial as a whole). Notes belong to the trial, not to
    a cut, so they apply to every cut and survive removing and re-importing a cut.

Durability: the database runs in WAL mode with ``synchronous=FULL``, foreign keys on,
and every change in one explicit transaction, so a crash (or ``kill -9``) at any moment
leaves every committed change and nothing half written (``tests/evidence/
test_library_crash.py`` checks it by killing a writer at random moments).

Threads: a :class:`Library` holds one connection and must be used from the thread that
created it (sqlite3 enforces this). Open one :class:`Library` per thread on the same
file for background work; SQLite serialises the writers (``busy_timeout``).

Removing the last cut of a trial that has notes is refused unless ``remove_notes=True``
is passed (the notes would otherwise be orphaned or silently lost); see
:meth:`Library.remove_cut`.

The file format is versioned with ``PRAGMA user_version``: :data:`MIGRATIONS` holds the
steps from each version to the next; a file written by a newer app is refused with
:class:`LibraryError` rather than misread. See ``docs/library.md``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from explorer import resources
from explorer.evidence.errors import EvidenceError
from explorer.evidence.load import from_dict, loads, parse_json
from explorer.evidence.model import Evidence, Trial
from explorer.evidence.sources import read_any
from explorer.resources import BUNDLED_EVIDENCE

__all__ = [
    "LIBRARY_SCHEMA_VERSION",
    "MIGRATIONS",
    "CutRecord",
    "ImportResult",
    "Library",
    "LibraryError",
    "Note",
    "TrialRecord",
    "canonical_json",
    "synthetic_variant",
    "trial_key",
]

log = logging.getLogger(__name__)

#: Prefix of the ``origin`` of a bundled cut; the rest is the resource name.
BUNDLED_PREFIX = "bundled:"
#: How long a writer waits for another process's transaction before giving up, in ms.
BUSY_TIMEOUT_MS = 10_000

# Version 0 -> 1: the first layout. Each step is a tuple of statements run in one
# transaction together with the new user_version.
_V1 = (
    """
    CREATE TABLE trials (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        registry_id TEXT NOT NULL DEFAULT '',
        acronym TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        phase TEXT NOT NULL DEFAULT '',
        population TEXT NOT NULL DEFAULT '',
        search_text TEXT NOT NULL DEFAULT '',
        cut_count INTEGER NOT NULL DEFAULT 0,
        bundled_count INTEGER NOT NULL DEFAULT 0,
        latest_cut TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX trials_by_phase ON trials (phase)",
    "CREATE INDEX trials_by_name ON trials (acronym COLLATE NOCASE, key)",
    """
    CREATE TABLE cuts (
        id INTEGER PRIMARY KEY,
        trial_id INTEGER NOT NULL REFERENCES trials (id) ON DELETE RESTRICT,
        label TEXT NOT NULL,
        kind TEXT NOT NULL,
        date TEXT,
        sort_date TEXT,
        citation TEXT NOT NULL,
        origin TEXT NOT NULL,
        bundled INTEGER NOT NULL CHECK (bundled IN (0, 1)),
        imported_at TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        schema_version TEXT NOT NULL,
        source_sha256 TEXT,
        registry_id TEXT NOT NULL,
        acronym TEXT NOT NULL,
        title TEXT NOT NULL,
        phase TEXT NOT NULL,
        population TEXT NOT NULL,
        evidence_json TEXT,
        CHECK ((bundled = 1) = (evidence_json IS NULL))
    )
    """,
    "CREATE INDEX cuts_by_trial ON cuts (trial_id)",
    "CREATE INDEX cuts_by_sha256 ON cuts (sha256)",
    "CREATE UNIQUE INDEX bundled_cuts_by_origin ON cuts (origin) WHERE bundled = 1",
    """
    CREATE TABLE notes (
        trial_id INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
        figure_id TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (trial_id, figure_id)
    ) WITHOUT ROWID
    """,
)

#: ``MIGRATIONS[v]`` takes a file from version ``v`` to ``v + 1``.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1,)
#: The ``PRAGMA user_version`` this app writes and reads.
LIBRARY_SCHEMA_VERSION: int = len(MIGRATIONS)

# Oldest cut first: by date (a year from the citation when no date is given), undated
# cuts after dated ones, then in the order they were imported.
_CUT_ORDER = "sort_date IS NULL, sort_date, imported_at, id"
_CUT_ORDER_NEWEST_FIRST = "sort_date IS NULL DESC, sort_date DESC, imported_at DESC, id DESC"
_CUT_COLUMNS = (
    "id, trial_id, label, kind, date, citation, origin, bundled, imported_at, sha256,"
    " schema_version"
)
_TRIAL_COLUMNS = (
    "id, key, registry_id, acronym, title, phase, population, bundled_count, cut_count,"
    " latest_cut, updated_at"
)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


class LibraryError(Exception):
    """A problem with the library database itself, named with its file.

    Raised for a file that is not an SQLite database or is damaged, a file written by
    a newer version of the app, a change that is refused (removing bundled evidence,
    removing the last cut of a trial with notes) and for failed writes (disk full,
    read-only folder). Bad *input* files raise
    :class:`~explorer.evidence.errors.EvidenceError` instead.
    """


@dataclass(frozen=True)
class TrialRecord:
    """One trial of the library as the list shows it.

    ``key`` is the registry id, or ``"acronym:<ACRONYM>"`` when there is none;
    ``bundled`` is True when at least one of its cuts ships with the app;
    ``latest_cut`` is the label of its newest cut; ``updated_at`` the UTC time
    (ISO 8601) a cut was last added or removed.
    """

    id: int
    key: str
    registry_id: str
    acronym: str
    title: str
    phase: str
    population: str
    bundled: bool
    cut_count: int
    latest_cut: str
    updated_at: str


@dataclass(frozen=True)
class CutRecord:
    """One data cut of a trial.

    ``kind`` is the kind of the document the cut comes from ("abstract", "article",
    "registry", ...); ``date`` the data cut's date (None when not reported);
    ``origin`` the file it was imported from or ``"bundled:evidence/x.json"``;
    ``sha256`` the hash of its canonical JSON; ``schema_version`` the evidence format
    version of the file it was read from.
    """

    id: int
    trial_id: int
    label: str
    kind: str
    date: str | None
    citation: str
    origin: str
    bundled: bool
    imported_at: str
    sha256: str
    schema_version: str


@dataclass(frozen=True)
class Note:
    """A note of the user on a trial (``figure_id`` None) or on one of its figures."""

    trial_id: int
    figure_id: str | None
    text: str
    updated_at: str


@dataclass(frozen=True)
class ImportResult:
    """What adding one piece of evidence did.

    ``duplicate`` is True when the same evidence (same canonical JSON) was already in
    the library: nothing was written and ``trial_id``/``cut_id`` name the existing cut.
    """

    trial_id: int
    cut_id: int
    label: str
    trial_created: bool
    duplicate: bool


class _Cancelled(Exception):
    """Raised inside an import transaction to roll it back."""


def trial_key(trial: Trial) -> str:
    """The library key of a trial: its registry id, else ``"acronym:<ACRONYM>"``.

    Examples
    --------
    >>> from explorer.evidence import Citation, Trial
    >>> t = Trial("nct03809988 ", "PALMIRA", "t", "II", "s", "p", Citation("c", None))
    >>> trial_key(t)
    'NCT03809988'
    """
    registry_id = trial.registry_id.strip().upper()
    if registry_id:
        return registry_id
    return f"acronym:{trial.acronym.strip().upper()}"


def canonical_json(ev: Evidence) -> str:
    """The evidence as canonical JSON text: sorted keys, no spaces, UTF-8 kept.

    Two pieces of evidence with the same content give the same text whatever file
    layout they came from, so its SHA-256 finds duplicates.
    """
    return json.dumps(
        _evidence_data(ev),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


_PHASES = ("I", "I/II", "II", "II/III", "III", "IV")
_CONDITIONS = (
    "HR+/HER2− advanced breast cancer",
    "metastatic non-small-cell lung cancer",
    "metastatic colorectal cancer",
    "advanced melanoma",
    "metastatic castration-resistant prostate cancer",
)


def synthetic_variant(template: Evidence, index: int, *, cut: int = 0) -> Evidence:
    """A SIMULATED copy of ``template`` posing as trial number ``index``, data cut ``cut``.

    For benchmarks and tests of a large library: the copy gets its own registry id
    (``"SIM"`` and eight digits, never a real NCT id), acronym, title (starting
    "SIMULATED"), phase and population (cycled through a few), and data cut label and
    date, so every copy is a distinct trial, or a distinct cut of the same trial. The
    figures are the template's; the copy is still valid evidence.
    """
    from dataclasses import replace

    trial = replace(
        template.trial,
        registry_id=f"SIM{index:08d}",
        acronym=f"SIM-{index:05d}",
        title=f"SIMULATED trial {index}, figures copied for testing",
        phase=_PHASES[index % len(_PHASES)],
        population=_CONDITIONS[index % len(_CONDITIONS)],
    )
    year = 2000 + index % 20 + cut  # later cuts are later
    data_cut = replace(
        template.data_cut,
        label=f"Simulated analysis {cut + 1}",
        date=f"{year:04d}-{1 + cut % 12:02d}-15",
    )
    return replace(template, trial=trial, data_cut=data_cut, origin="<synthetic>")


def _evidence_data(ev: Evidence) -> Any:
    try:
        from explorer.evidence.write import evidence_to_dict
    except ImportError:  # pragma: no cover - before the format 1.2 writer existed
        return _source_json(ev)
    return evidence_to_dict(ev)


def _source_json(ev: Evidence) -> Any:  # pragma: no cover - fallback, see _evidence_data

    if ev.origin.startswith("<"):
        raise EvidenceError(ev.origin, "", "cannot be stored: it was not read from a file")
    with open(ev.origin, encoding="utf-8") as handle:
        return parse_json(handle.read(), origin=ev.origin)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _sort_date(ev: Evidence) -> str | None:
    """The date a cut sorts by: the data cut's, its document's, or a year in its citation."""
    if ev.data_cut.date:
        return ev.data_cut.date
    try:
        document = ev.document(ev.data_cut.document)
    except KeyError:
        return None
    if document.date:
        return document.date
    match = _YEAR.search(document.citation) or _YEAR.search(ev.trial.citation.text)
    return match.group(1) if match else None


def _search_text(*parts: str) -> str:
    return " ".join(p for p in parts if p).casefold()


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Library:
    """The user's library in the SQLite file ``path`` (created when missing).

    Parameters
    ----------
    path : str or os.PathLike
        The database file; its folder is created if needed.
    bundled : sequence of str, optional
        Resource names of the bundled evidence to list (default:
        :data:`explorer.resources.BUNDLED_EVIDENCE`). Names not installed are skipped
        and logged (``logging``, level INFO), not an error.

    Raises
    ------
    LibraryError
        If the file cannot be opened or created, is not an SQLite database, or was
        written by a newer version of the app.

    Notes
    -----
    One connection per :class:`Library`, usable only from the thread that created it.
    Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self, path: str | os.PathLike, *, bundled: Sequence[str] = BUNDLED_EVIDENCE
    ) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(
                f"{self.path}: cannot create its folder: {exc.strerror or exc}"
            ) from None
        if self.path.is_dir():
            raise LibraryError(f"{self.path}: is a folder, not a library file")
        try:
            self._conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
            self._configure()
            self.schema_version = self._migrate()
            self._sync_bundled(tuple(bundled))
        except sqlite3.Error as exc:
            self.close()
            raise LibraryError(f"{self.path}: {_describe(exc)}") from None
        except BaseException:
            self.close()
            raise

    # -- connection -----------------------------------------------------------------

    def _configure(self) -> None:
        conn = self._db
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # pragma: no cover - e.g. a read-only medium
            log.info("library %s: journal mode %s, not WAL", self.path, mode)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise LibraryError(f"{self.path}: the library is closed")
        return self._conn

    def close(self) -> None:
        """Close the connection (idempotent)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Library({str(self.path)!r})"

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed at the end, rolled back on any error.

        SQLite errors (disk full, read-only file, a lock held too long) become a
        :class:`LibraryError` naming the file.
        """
        conn = self._db
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise LibraryError(f"{self.path}: {_describe(exc)}") from None
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise LibraryError(f"{self.path}: {_describe(exc)}") from None
            raise

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise LibraryError(f"{self.path}: {_describe(exc)}") from None

    # -- format versions ------------------------------------------------------------

    def _migrate(self) -> int:
        conn = self._db
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        self._check_not_newer(version)
        if version == LIBRARY_SCHEMA_VERSION:
            return version
        with self._transaction():
            version = conn.execute("PRAGMA user_version").fetchone()[0]  # another process?
            self._check_not_newer(version)
            if version == 0 and _has_tables(conn):
                raise LibraryError(
                    f"{self.path}: is an SQLite database but not a library of this app"
                    " (it has tables but no library format version)"
                )
            for step in MIGRATIONS[version:]:
                for statement in step:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {LIBRARY_SCHEMA_VERSION}")
        return LIBRARY_SCHEMA_VERSION

    def _check_not_newer(self, version: int) -> None:
        if version > LIBRARY_SCHEMA_VERSION:
            raise LibraryError(
                f"{self.path}: was written by a newer version of the app (library format"
                f" {version}; this version reads up to format {LIBRARY_SCHEMA_VERSION});"
                " update the app, or point EXPLORER_LIBRARY at another file"
            )

    # -- bundled evidence -------------------------------------------------------------

    def _sync_bundled(self, names: tuple[str, ...]) -> None:
        """Make the bundled rows match the installed resources (one transaction, if needed)."""
        installed: dict[str, tuple[str, str]] = {}  # origin -> (name, text)
        for name in names:
            try:
                text = resources.read_text(name)
            except (ValueError, OSError):
                log.info("bundled evidence %s is not installed; not listed in the library", name)
                continue
            installed[BUNDLED_PREFIX + name] = (name, text)
        rows = {
            origin: source_sha
            for origin, source_sha in self._db.execute(
                "SELECT origin, source_sha256 FROM cuts WHERE bundled = 1"
            )
        }
        wanted = {origin: _sha256(text) for origin, (_, text) in installed.items()}
        if rows == wanted:
            return
        parsed: dict[str, Evidence] = {}
        for origin, (name, text) in installed.items():
            if rows.get(origin) == wanted[origin]:
                continue
            try:
                parsed[origin] = loads(text, origin=str(resources.path(name)))
            except EvidenceError as exc:
                log.warning("bundled evidence %s is not valid and is not listed: %s", name, exc)
                wanted.pop(origin)
        if rows == wanted:
            return
        with self._transaction() as conn:
            # Another process may have synced meanwhile: decide again under the lock.
            rows = dict(conn.execute("SELECT origin, source_sha256 FROM cuts WHERE bundled = 1"))
            parsed = {o: ev for o, ev in parsed.items() if rows.get(o) != wanted[o]}
            for origin in set(rows) - set(wanted):
                (cut_id, trial_id) = conn.execute(
                    "SELECT id, trial_id FROM cuts WHERE bundled = 1 AND origin = ?", (origin,)
                ).fetchone()
                conn.execute("DELETE FROM cuts WHERE id = ?", (cut_id,))
                self._refresh_trial(trial_id)
            for origin, ev in parsed.items():
                old = conn.execute(
                    "SELECT id, trial_id FROM cuts WHERE bundled = 1 AND origin = ?", (origin,)
                ).fetchone()
                if old is not None:  # a corrected file: same cut id, new content
                    conn.execute("DELETE FROM cuts WHERE id = ?", (old[0],))
                self._insert_cut(
                    ev,
                    origin,
                    source_sha256=wanted[origin],
                    cut_id=None if old is None else old[0],
                )
                if old is not None:
                    self._refresh_trial(old[1])

    # -- reading ----------------------------------------------------------------------

    def trials(
        self,
        search: str = "",
        *,
        source: str = "all",
        phase: str | None = None,
        limit: int | None = None,
    ) -> list[TrialRecord]:
        """Trials with at least one cut, by acronym (case-insensitive), then key.

        Parameters
        ----------
        search : str
            Words that must all appear (case-insensitive, anywhere) in the registry
            id, acronym, title or population.
        source : {"all", "bundled", "imported"}
            Only trials with a bundled cut, or with an imported cut.
        phase : str or None
            Only trials of this phase (as :meth:`phases` lists them).
        limit : int or None
            At most this many.
        """
        where = ["cut_count > 0"]
        params: list[Any] = []
        if source == "bundled":
            where.append("bundled_count > 0")
        elif source == "imported":
            where.append("cut_count > bundled_count")
        elif source != "all":
            raise ValueError(f"source must be 'all', 'bundled' or 'imported', not {source!r}")
        if phase is not None:
            where.append("phase = ?")
            params.append(phase)
        for word in search.casefold().split():
            where.append("search_text LIKE ? ESCAPE '\\'")
            params.append(_like_pattern(word))
        sql = (
            f"SELECT {_TRIAL_COLUMNS} FROM trials WHERE {' AND '.join(where)}"
            " ORDER BY acronym COLLATE NOCASE, key"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [_trial_record(row) for row in self._read(sql, params)]

    def trial_count(self) -> int:
        """How many trials are listed (those with at least one cut)."""
        return self._read("SELECT count(*) FROM trials WHERE cut_count > 0")[0][0]

    def trial(self, trial_id: int) -> TrialRecord:
        """The trial with this id; ``KeyError`` when there is none."""
        rows = self._read(f"SELECT {_TRIAL_COLUMNS} FROM trials WHERE id = ?", (trial_id,))
        if not rows:
            raise KeyError(f"no trial with id {trial_id} in the library {self.path}")
        return _trial_record(rows[0])

    def trial_id_for(self, ev: Evidence) -> int | None:
        """The id of the library's trial that ``ev`` belongs to (by registry id), or None."""
        rows = self._read("SELECT id FROM trials WHERE key = ?", (trial_key(ev.trial),))
        return rows[0][0] if rows else None

    def phases(self) -> list[str]:
        """The distinct phases of the listed trials, sorted."""
        rows = self._read(
            "SELECT DISTINCT phase FROM trials WHERE cut_count > 0 AND phase != '' ORDER BY phase"
        )
        return [row[0] for row in rows]

    def cuts(self, trial_id: int) -> list[CutRecord]:
        """The trial's cuts, oldest first (by date, undated last, then by import)."""
        rows = self._read(
            f"SELECT {_CUT_COLUMNS} FROM cuts WHERE trial_id = ? ORDER BY {_CUT_ORDER}",
            (trial_id,),
        )
        return [_cut_record(row) for row in rows]

    def cut(self, cut_id: int) -> CutRecord:
        """The cut with this id; ``KeyError`` when there is none."""
        rows = self._read(f"SELECT {_CUT_COLUMNS} FROM cuts WHERE id = ?", (cut_id,))
        if not rows:
            raise KeyError(f"no data cut with id {cut_id} in the library {self.path}")
        return _cut_record(rows[0])

    def evidence(self, cut_id: int) -> Evidence:
        """The evidence of a cut, validated.

        A bundled cut is read from the app's resources (``origin`` the resource's
        path); an imported one from its stored JSON, with ``origin`` the file it was
        imported from (the file itself is not read).

        Raises
        ------
        KeyError
            If there is no such cut.
        LibraryError
            If a bundled cut's resource is no longer installed.
        EvidenceError
            If the stored JSON no longer validates (e.g. written by a buggy version).
        """
        rows = self._read("SELECT bundled, origin, evidence_json FROM cuts WHERE id = ?", (cut_id,))
        if not rows:
            raise KeyError(f"no data cut with id {cut_id} in the library {self.path}")
        bundled, origin, text = rows[0]
        if bundled:
            name = origin.removeprefix(BUNDLED_PREFIX)
            try:
                return loads(resources.read_text(name), origin=str(resources.path(name)))
            except ValueError as exc:
                if isinstance(exc, EvidenceError):
                    raise
                raise LibraryError(
                    f"{self.path}: cut {cut_id} is the bundled {name}, which is not installed"
                ) from None
        try:
            data = json.loads(text)
        except ValueError:
            raise LibraryError(
                f"{self.path}: cut {cut_id}: the stored evidence is not valid JSON"
            ) from None
        return from_dict(data, origin=origin)

    # -- adding -----------------------------------------------------------------------

    def add_evidence(self, ev: Evidence, *, origin: str) -> ImportResult:
        """Add one piece of evidence as a data cut of its trial, in one transaction.

        The trial is found by :func:`trial_key` or created. Evidence whose canonical JSON
        is already in the library (same SHA-256) is not added again: the result has
        ``duplicate=True`` and names the existing cut.

        Parameters
        ----------
        ev : Evidence
            Validated evidence.
        origin : str
            Where it came from (a file path), kept with the cut.
        """
        return self.add_evidence_batch([ev], origin=origin)[0]

    def add_evidence_batch(
        self,
        evidence: Sequence[Evidence],
        *,
        origin: str,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[ImportResult]:
        """Add several pieces of evidence in one transaction: all of them or none.

        As :meth:`add_evidence` for each item. ``progress(done, total)`` is called after
        each; when ``cancelled()`` returns True the transaction is rolled back and an
        empty list returned.
        """
        total = len(evidence)
        results: list[ImportResult] = []
        try:
            with self._transaction():
                for done, ev in enumerate(evidence, start=1):
                    if cancelled is not None and cancelled():
                        raise _Cancelled
                    results.append(self._add(ev, origin))
                    if progress is not None:
                        progress(done, total)
        except _Cancelled:
            return []
        return results

    def import_file(
        self,
        path: str | os.PathLike,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[ImportResult]:
        """Import an evidence file (format 1.0–1.2) or a ClinicalTrials.gov v2 record.

        An evidence file is read by :func:`explorer.evidence.load.from_dict`; a registry
        record (one v2 study, or a page ``{"studies": [...]}``) by
        :mod:`explorer.evidence.ctgov`, one cut per study. Everything read from one file
        is added in one transaction (all or none).

        Parameters
        ----------
        path : str or os.PathLike
            The file.
        progress : callable(done, total), optional
            Called after each study is added.
        cancelled : callable() -> bool, optional
            Polled before each study; when it returns True nothing is added and the
            result is empty.

        Raises
        ------
        EvidenceError
            If the file cannot be read or is not valid evidence or a registry record;
            the message names the file, the place and the problem.
        LibraryError
            If the library cannot be written.
        """
        evidence = read_any(path)
        origin = str(Path(os.path.abspath(path)))
        return self.add_evidence_batch(
            evidence, origin=origin, progress=progress, cancelled=cancelled
        )

    def _add(self, ev: Evidence, origin: str) -> ImportResult:
        text = canonical_json(ev)
        sha = _sha256(text)
        row = self._db.execute(
            "SELECT id, trial_id, label FROM cuts WHERE sha256 = ? ORDER BY id LIMIT 1", (sha,)
        ).fetchone()
        if row is not None:
            return ImportResult(
                trial_id=row[1], cut_id=row[0], label=row[2], trial_created=False, duplicate=True
            )
        trial_id, created, cut_id = self._insert_cut(ev, origin, text=text, sha=sha)
        return ImportResult(
            trial_id=trial_id,
            cut_id=cut_id,
            label=ev.data_cut.label,
            trial_created=created,
            duplicate=False,
        )

    def _insert_cut(
        self,
        ev: Evidence,
        origin: str,
        *,
        text: str | None = None,
        sha: str | None = None,
        source_sha256: str | None = None,
        cut_id: int | None = None,
    ) -> tuple[int, bool, int]:
        """Insert a cut (imported when ``text`` is given, else bundled); inside a transaction."""
        conn = self._db
        bundled = text is None
        if sha is None:
            sha = _sha256(canonical_json(ev))
        key = trial_key(ev.trial)
        row = conn.execute("SELECT id FROM trials WHERE key = ?", (key,)).fetchone()
        created = row is None
        now = _now()
        if created:
            trial_id = conn.execute(
                "INSERT INTO trials (key, updated_at) VALUES (?, ?)", (key, now)
            ).lastrowid
        else:
            trial_id = row[0]
        try:
            document = ev.document(ev.data_cut.document)
            kind, citation = document.kind, document.citation
        except KeyError:  # pragma: no cover - validation guarantees the document
            kind, citation = "other", ev.trial.citation.text
        t = ev.trial
        cut_id = conn.execute(
            """
            INSERT INTO cuts (id, trial_id, label, kind, date, sort_date, citation, origin,
                bundled, imported_at, sha256, schema_version, source_sha256, registry_id,
                acronym, title, phase, population, evidence_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                cut_id,
                trial_id,
                ev.data_cut.label,
                kind,
                ev.data_cut.date,
                _sort_date(ev),
                citation,
                origin,
                int(bundled),
                now,
                sha,
                ev.schema_version,
                source_sha256,
                t.registry_id,
                t.acronym,
                t.title,
                t.phase,
                t.population,
                text,
            ),
        ).lastrowid
        self._refresh_trial(trial_id)
        return trial_id, created, cut_id

    def _refresh_trial(self, trial_id: int) -> None:
        """Recompute a trial's summary columns from its cuts (inside a transaction).

        A trial left without cuts is deleted, unless it has notes: then it stays,
        hidden from :meth:`trials`, and its notes come back with its next cut.
        """
        conn = self._db
        counts = conn.execute(
            "SELECT count(*), coalesce(sum(bundled), 0) FROM cuts WHERE trial_id = ?",
            (trial_id,),
        ).fetchone()
        now = _now()
        if counts[0] == 0:
            has_notes = conn.execute(
                "SELECT 1 FROM notes WHERE trial_id = ? LIMIT 1", (trial_id,)
            ).fetchone()
            if has_notes:
                conn.execute(
                    "UPDATE trials SET cut_count = 0, bundled_count = 0, latest_cut = '',"
                    " updated_at = ? WHERE id = ?",
                    (now, trial_id),
                )
            else:
                conn.execute("DELETE FROM trials WHERE id = ?", (trial_id,))
            return
        latest = conn.execute(
            "SELECT registry_id, acronym, title, phase, population, label FROM cuts"
            f" WHERE trial_id = ? ORDER BY {_CUT_ORDER_NEWEST_FIRST} LIMIT 1",
            (trial_id,),
        ).fetchone()
        registry_id, acronym, title, phase, population, label = latest
        conn.execute(
            """
            UPDATE trials SET registry_id = ?, acronym = ?, title = ?, phase = ?,
                population = ?, search_text = ?, cut_count = ?, bundled_count = ?,
                latest_cut = ?, updated_at = ?
            WHERE id = ?
            """,
            (
                registry_id,
                acronym,
                title,
                phase,
                population,
                _search_text(registry_id, acronym, title, population),
                counts[0],
                counts[1],
                label,
                now,
                trial_id,
            ),
        )

    # -- removing -----------------------------------------------------------------------

    def remove_cut(self, cut_id: int, *, remove_notes: bool = False) -> None:
        """Remove an imported cut; the trial goes with its last cut.

        Parameters
        ----------
        cut_id : int
            The cut.
        remove_notes : bool
            Needed to remove the last cut of a trial that has notes: the notes are
            deleted with the trial. Without it that removal is refused, so notes are
            never lost by accident.

        Raises
        ------
        KeyError
            If there is no such cut.
        LibraryError
            If the cut is bundled (read-only), or it is the last cut of a trial with
            notes and ``remove_notes`` is False. Nothing is changed.
        """
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT trial_id, bundled, label FROM cuts WHERE id = ?", (cut_id,)
            ).fetchone()
            if row is None:
                raise KeyError(f"no data cut with id {cut_id} in the library {self.path}")
            trial_id, bundled, label = row
            if bundled:
                raise LibraryError(
                    f"{self.path}: {label!r} is bundled with the app and cannot be removed"
                )
            others = conn.execute(
                "SELECT count(*) FROM cuts WHERE trial_id = ? AND id != ?", (trial_id, cut_id)
            ).fetchone()[0]
            if others == 0:
                n_notes = conn.execute(
                    "SELECT count(*) FROM notes WHERE trial_id = ?", (trial_id,)
                ).fetchone()[0]
                if n_notes and not remove_notes:
                    raise LibraryError(
                        f"{self.path}: {label!r} is the last data cut of its trial, which has"
                        f" {n_notes} note{'s' if n_notes != 1 else ''}; removing it would"
                        " remove the notes too (remove_notes=True)"
                    )
                conn.execute("DELETE FROM notes WHERE trial_id = ?", (trial_id,))
            conn.execute("DELETE FROM cuts WHERE id = ?", (cut_id,))
            self._refresh_trial(trial_id)

    # -- notes --------------------------------------------------------------------------

    def note(self, trial_id: int, figure_id: str | None = None) -> str:
        """The text of a note, or ``""`` when there is none."""
        rows = self._read(
            "SELECT text FROM notes WHERE trial_id = ? AND figure_id = ?",
            (trial_id, figure_id or ""),
        )
        return rows[0][0] if rows else ""

    def notes(self, trial_id: int) -> list[Note]:
        """Every note of a trial: the trial's own first, then by figure id."""
        rows = self._read(
            "SELECT figure_id, text, updated_at FROM notes WHERE trial_id = ? ORDER BY figure_id",
            (trial_id,),
        )
        return [Note(trial_id, figure or None, text, updated) for figure, text, updated in rows]

    def set_note(self, trial_id: int, text: str, *, figure_id: str | None = None) -> Note | None:
        """Save a note in one transaction; empty or blank text deletes it (returns None).

        Raises
        ------
        KeyError
            If there is no such trial.
        LibraryError
            If the write fails (the message names the file and the problem).
        """
        figure = figure_id or ""
        with self._transaction() as conn:
            if conn.execute("SELECT 1 FROM trials WHERE id = ?", (trial_id,)).fetchone() is None:
                raise KeyError(f"no trial with id {trial_id} in the library {self.path}")
            if not text.strip():
                conn.execute(
                    "DELETE FROM notes WHERE trial_id = ? AND figure_id = ?", (trial_id, figure)
                )
                return None
            now = _now()
            conn.execute(
                """
                INSERT INTO notes (trial_id, figure_id, text, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (trial_id, figure_id)
                DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at
                """,
                (trial_id, figure, text, now),
            )
        return Note(trial_id, figure_id or None, text, now)


def _has_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return bool(row[0])


def _describe(exc: sqlite3.Error) -> str:
    """A plain sentence for an SQLite error."""
    text = str(exc)
    if "file is not a database" in text:
        return "not a library file (not an SQLite database, or damaged)"
    if "malformed" in text:
        return "the library file is damaged (database disk image is malformed)"
    if "unable to open" in text:
        return "cannot open or create the library file here"
    if "readonly" in text or "read-only" in text:
        return "the library file is read-only"
    if "locked" in text or "busy" in text:
        return "the library is busy in another program (database is locked); try again"
    if "full" in text:
        return "the disk is full"
    return text


def _trial_record(row: tuple) -> TrialRecord:
    (id_, key, registry_id, acronym, title, phase, population, bundled_count, cut_count) = row[:9]
    return TrialRecord(
        id=id_,
        key=key,
        registry_id=registry_id,
        acronym=acronym,
        title=title,
        phase=phase,
        population=population,
        bundled=bool(bundled_count),
        cut_count=cut_count,
        latest_cut=row[9],
        updated_at=row[10],
    )


def _cut_record(row: tuple) -> CutRecord:
    return CutRecord(
        id=row[0],
        trial_id=row[1],
        label=row[2],
        kind=row[3],
        date=row[4],
        citation=row[5],
        origin=row[6],
        bundled=bool(row[7]),
        imported_at=row[8],
        sha256=row[9],
        schema_version=row[10],
    )
