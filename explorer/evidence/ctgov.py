"""Import ClinicalTrials.gov study records (API v2 JSON) as evidence of format 1.2.

A registry record with posted results holds the numbers a trial reported to
ClinicalTrials.gov: participant flow, baseline characteristics, outcome measures with
their statistical analyses, and adverse events. This module turns one record (or a page
of records, ``{"studies": [...]}``) into an evidence dict and then an
:class:`~explorer.evidence.model.Evidence`, so a record opens in the app like any
evidence file. The app never fetches anything: the user downloads the record.

What the importer does and why:

- Every number is "reported": its source is the registry document (kind "registry",
  dated by the record's last update posted), the JSON field path of the number in the
  record (``resultsSection.outcomeMeasuresModule.outcomeMeasures[0].analyses[0].
  paramValue``) and the raw string as the record prints it. Totals the record does not
  give are "derived" sums with their derivation; percentages are never invented.
- Results groups are numbered per module (``FG000`` in the flow, ``BG000`` in baseline,
  ``OG000`` in outcomes, ``EG000`` in adverse events) and their number can differ, so
  they are matched to arms **by content** (title, then description, then intervention
  names), never by position. A group that matches no arm keeps ``arm`` null in outcome
  measures, becomes ``overall`` when it is the "Total" column, and is otherwise left out
  with a note.
- Outcome measures are kept as the record states them (``outcome_measures``). Only an
  outcome that is clearly time-to-event (a "Time to ..." count of participants or
  a median in a time unit, with a hazard-ratio analysis of one treatment arm against
  one control arm) is also mapped to a time-to-event endpoint.
- Registry adverse events carry no CTCAE grade: they become grade "ungraded", category
  "serious" or "other", never grade >= 3.
- A registry record has no sample-size calculation: allocation, alpha, power and the
  hypothesised effect are null.

Bad input raises :class:`~explorer.evidence.errors.EvidenceError` naming the file, the
field path in the record and the problem; retired formats (the classic XML and the pre-v2
JSON) are recognised and named. Format details: ``docs/clinicaltrials-gov.md``.
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from explorer.evidence.errors import EvidenceError, format_path
from explorer.evidence.load import from_dict, parse_json
from explorer.evidence.model import Evidence

__all__ = [
    "DOCUMENT_ID",
    "MAX_BYTES",
    "read_registry_file",
    "read_registry_text",
    "sniff",
    "study_to_dict",
]

#: Registry files larger than this are refused (a page of 100 full studies is ~30 MB).
MAX_BYTES = 50 * 1024 * 1024
#: Id of the registry document in the evidence made from a record.
DOCUMENT_ID = "ctgov"
#: The evidence format version the importer writes.
_FORMAT = "1.2"
_STUDY_URL = "https://clinicaltrials.gov/study/{}"
_NCT = re.compile(r"^NCT\d{8}$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.(\d*))?|\.(\d+))(?:[eE][+-]?\d+)?$")
_P_VALUE = re.compile(r"^(<=|>=|≤|≥|<|>|=)?\s*(\S+)$")
# The v2 API returns prose as Markdown, with backslash escapes (\[IGA=3\], \<15, \&):
# they are removed, so the text reads as printed on the website.
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~&])")
_QUALIFIERS = {"≤": "<=", "≥": ">=", "<=": "<=", ">=": ">=", "<": "<", ">": ">"}
_TIME_UNITS = {
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
}
_PHASES = {
    "EARLY_PHASE1": "early I",
    "PHASE1": "I",
    "PHASE2": "II",
    "PHASE3": "III",
    "PHASE4": "IV",
}
_MASKING = {
    "NONE": "open-label",
    "SINGLE": "single-blind",
    "DOUBLE": "double-blind",
    "TRIPLE": "triple-blind",
    "QUADRUPLE": "quadruple-blind",
}
_ROLES = {"PRIMARY": "primary", "SECONDARY": "secondary"}
_ENDPOINT_ROLES = {"primary": "primary", "secondary": "secondary", "other": "exploratory"}
# Arm types that make an arm a comparator, in order of preference for the one control.
_PLACEBO_TYPES = ("PLACEBO_COMPARATOR", "SHAM_COMPARATOR", "NO_INTERVENTION")
_COMPARATOR_TYPES = (*_PLACEBO_TYPES, "ACTIVE_COMPARATOR")
_PLACEBO_WORDS = re.compile(r"\b(placebo|sham)\b", re.IGNORECASE)
_NO_GRADE = (
    "Registry adverse events carry no CTCAE grade: a serious event is not a grade 3 or"
    " higher event."
)

Path = tuple[str | int, ...]


# --- recognising what a file is -------------------------------------------------------


def sniff(data: object, *, origin: str = "<data>") -> str:
    """Say what kind of parsed JSON ``data`` is.

    Parameters
    ----------
    data : object
        Parsed JSON.
    origin : str, optional
        The file name, for the error.

    Returns
    -------
    str
        ``"evidence"`` (an evidence file: has ``schema_version``), ``"ctgov-v2-study"``
        (one ClinicalTrials.gov API v2 study: has ``protocolSection``) or
        ``"ctgov-v2-page"`` (a page of v2 studies: ``{"studies": [...]}``).

    Raises
    ------
    EvidenceError
        For the retired pre-v2 ("classic API") JSON, named as such, and for anything
        else, listing the top-level keys found.

    Examples
    --------
    >>> sniff({"protocolSection": {}})
    'ctgov-v2-study'
    >>> sniff({"studies": [], "nextPageToken": "x"})
    'ctgov-v2-page'
    """
    if not isinstance(data, Mapping):
        kind = "an array" if isinstance(data, list) else f"a {_json_type(data)}"
        raise EvidenceError(
            origin,
            "",
            "not an evidence file or a ClinicalTrials.gov v2 record (the top level is"
            f" {kind}, not an object)",
        )
    if "schema_version" in data:
        return "evidence"
    if "protocolSection" in data:
        return "ctgov-v2-study"
    if "studies" in data:
        return "ctgov-v2-page"
    if _is_classic_json(data):
        raise EvidenceError(
            origin,
            "",
            "this is a retired ClinicalTrials.gov classic-API JSON record (pre-v2,"
            " 'FullStudiesResponse' with PascalCase keys such as 'ProtocolSection'); download"
            " the record again from the current API (v2), e.g."
            " https://clinicaltrials.gov/api/v2/studies/NCT01234567",
        )
    keys = ", ".join(repr(key) for key in list(data)[:8]) or "none"
    more = ", ..." if len(data) > 8 else ""
    raise EvidenceError(
        origin,
        "",
        f"not an evidence file or a ClinicalTrials.gov v2 record (top-level keys: {keys}{more})",
    )


def _is_classic_json(data: Mapping) -> bool:
    classic = ("FullStudiesResponse", "FullStudy", "ProtocolSection", "StudyFieldsResponse")
    if any(key in data for key in classic):
        return True
    study = data.get("Study")
    return isinstance(study, Mapping) and "ProtocolSection" in study


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false value"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


# --- reading files --------------------------------------------------------------------


def read_registry_file(path: str | os.PathLike) -> list[Evidence]:
    """Read a ClinicalTrials.gov v2 study or page of studies (or an evidence file).

    Parameters
    ----------
    path : str or os.PathLike
        A JSON file as downloaded from the ClinicalTrials.gov API v2
        (``/api/v2/studies/NCT...`` gives one study, ``/api/v2/studies?...`` a page).

    Returns
    -------
    list of Evidence
        One per study, in file order; ``origin`` is ``path`` as given. An evidence file
        gives a list of one.

    Raises
    ------
    EvidenceError
        Naming the file, the field path and the problem: file missing or larger than
        :data:`MAX_BYTES`, not UTF-8, a byte-order mark, not JSON or cut short, a retired
        classic XML or pre-v2 JSON record, a field of the wrong type, a number that is
        not one, a missing NCT id. In a page, the path starts with ``studies[i]`` and the
        problem names the study's NCT id.
    """
    origin = os.fspath(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise EvidenceError(origin, "", _too_large(size))
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise EvidenceError(origin, "", "file not found") from None
    except IsADirectoryError:
        raise EvidenceError(origin, "", "is a folder, not a file") from None
    except OSError as exc:
        raise EvidenceError(origin, "", f"cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise EvidenceError(origin, "", _too_large(len(raw)))
    if raw.startswith(b"\xef\xbb\xbf"):
        raise EvidenceError(origin, "", _BOM_PROBLEM)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EvidenceError(
            origin, "", f"not UTF-8 text (undecodable byte at offset {exc.start})"
        ) from None
    return read_registry_text(text, origin=origin)


_BOM_PROBLEM = (
    "starts with a byte-order mark (BOM), which JSON does not allow; save the file as"
    " UTF-8 without BOM, or download it again"
)


def _too_large(size: int) -> str:
    return (
        f"is {size / 1024 / 1024:.1f} MB; registry files over"
        f" {MAX_BYTES // 1024 // 1024} MB are refused (download fewer studies per page)"
    )


def read_registry_text(text: str, *, origin: str) -> list[Evidence]:
    """Parse a ClinicalTrials.gov v2 study or page of studies (or evidence) from text.

    Parameters
    ----------
    text : str
        The JSON text.
    origin : str
        What to call the text in errors and in :attr:`Evidence.origin`.

    Returns
    -------
    list of Evidence
        One per study, in order.

    Raises
    ------
    EvidenceError
        As :func:`read_registry_file`.
    """
    if len(text) > MAX_BYTES:
        raise EvidenceError(origin, "", _too_large(len(text.encode("utf-8"))))
    if text.startswith("\ufeff"):
        raise EvidenceError(origin, "", _BOM_PROBLEM)
    head = text.lstrip()[:4000]
    if head.startswith("<"):
        raise EvidenceError(origin, "", _xml_problem(head))
    data = _parse(text, origin)
    kind = sniff(data, origin=origin)
    if kind == "evidence":
        return [from_dict(data, origin=origin)]
    if kind == "ctgov-v2-study":
        return [_build(data, origin, "")]
    studies = data["studies"]
    if not isinstance(studies, list):
        raise EvidenceError(
            origin, "studies", f"must be an array of studies (found {_json_type(studies)})"
        )
    if not studies:
        raise EvidenceError(origin, "studies", "the page holds no studies")
    out = []
    for i, study in enumerate(studies):
        locator = f"studies[{i}]"
        if not isinstance(study, Mapping):
            raise EvidenceError(
                origin, locator, f"must be a study record (an object), found {_json_type(study)}"
            )
        try:
            out.append(_build(study, origin, locator))
        except EvidenceError as exc:
            nct = _nct_of(study)
            who = f"study {i} ({nct})" if nct else f"study {i}, which has no NCT id"
            raise EvidenceError(origin, exc.path, f"{exc.problem} [in {who}]") from None
    return out


def _xml_problem(head: str) -> str:
    if "<clinical_study" in head or "<clinical_studies" in head:
        return (
            "this is a retired ClinicalTrials.gov classic XML record (<clinical_study>),"
            " which the app does not read; download the record again as JSON from the"
            " current API (v2), e.g. https://clinicaltrials.gov/api/v2/studies/NCT01234567"
        )
    return "this is an XML or HTML file, not a ClinicalTrials.gov v2 JSON record"


def _parse(text: str, origin: str) -> Any:
    try:
        return parse_json(text, origin=origin)
    except EvidenceError as exc:
        if _ends_inside_json(text):
            raise EvidenceError(
                origin, "", f"{exc.problem}; the file ends too early (cut short?)"
            ) from None
        raise


def _ends_inside_json(text: str) -> bool:
    """True when the text stops inside a string, an object or an array: cut short."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return in_string or depth > 0


def _nct_of(study: Mapping) -> str | None:
    ident = study.get("protocolSection")
    ident = ident.get("identificationModule") if isinstance(ident, Mapping) else None
    nct = ident.get("nctId") if isinstance(ident, Mapping) else None
    return nct if isinstance(nct, str) and nct.strip() else None


def _build(study: Mapping, origin: str, locator: str) -> Evidence:
    data = study_to_dict(study, origin=origin, locator=locator)
    try:
        return from_dict(data, origin=origin)
    except EvidenceError as exc:
        # A record the importer converted but the evidence rules refuse: name the
        # place in the record the offending number came from. A derived figure (a total
        # summed by the importer) has no such place, so the first problem that has one
        # is reported; only when none has is the place left to the evidence path.
        located = [(_source_section(data, path), path, problem) for path, problem in exc.problems]
        section, path, problem = next((item for item in located if item[0]), located[0])
        place = _join(locator, section) if section else locator
        raise EvidenceError(
            origin,
            place,
            f"{problem} (in the imported evidence at {path or 'the top level'})",
        ) from None


def _source_section(data: Mapping, path: str) -> str | None:
    """The record field behind an evidence path: the nearest enclosing source section."""
    node: Any = data
    found = None
    for part in re.findall(r'\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|([^.\[\]]+)', path):
        index, quoted, plain = part
        key: str | int = int(index) if index else (json.loads(f'"{quoted}"') if quoted else plain)
        in_object = isinstance(node, Mapping) and isinstance(key, str) and key in node
        in_array = isinstance(node, list) and isinstance(key, int) and key < len(node)
        if not (in_object or in_array):
            break
        node = node[key]
        source = node.get("source") if isinstance(node, Mapping) else None
        if isinstance(source, Mapping) and isinstance(source.get("section"), str):
            found = source["section"]
    return found


def _join(locator: str, path: str) -> str:
    if not locator:
        return path
    if not path:
        return locator
    return locator + path if path.startswith("[") else f"{locator}.{path}"


# --- reading the record, with errors that name the field ------------------------------


@dataclass
class _Reader:
    """Typed access to a record's fields; every failure names the field path."""

    origin: str
    locator: str

    def fail(self, path: Path, problem: str) -> NoReturn:
        raise EvidenceError(self.origin, _join(self.locator, format_path(path)), problem)

    def obj(self, value: Any, path: Path, *, required: bool = False) -> Mapping:
        if value is None:
            if required:
                self.fail(path, "is required")
            return {}
        if not isinstance(value, Mapping):
            self.fail(path, f"must be an object (found a {_json_type(value)})")
        return value

    def arr(self, value: Any, path: Path) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, f"must be an array (found a {_json_type(value)})")
        return value

    def text(self, value: Any, path: Path, *, required: bool = False) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(path, "is required")
            return None
        if not isinstance(value, str):
            self.fail(path, f"must be text (found a {_json_type(value)})")
        return _MARKDOWN_ESCAPE.sub(r"\1", value.strip())

    def number(self, value: Any, path: Path) -> _Number | None:
        """A number as the record prints it; None when missing or "NA"."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(path, f"must be a number (found a {_json_type(value)})")
        if isinstance(value, int | float):
            raw = json.dumps(value)
            return _Number(float(value), _decimals(raw), raw)
        raw = value.strip()
        if raw.upper() == "NA" or not raw:
            return None
        if not _NUMBER.match(raw) or not math.isfinite(float(raw)):
            self.fail(path, f"is not a number: {value!r}")
        return _Number(float(raw), _decimals(raw), value)

    def p_value(self, value: Any, path: Path) -> tuple[_Number, str | None] | None:
        """A p-value with its qualifier ("< 0.0001" -> 0.0001, "<")."""
        if value is None:
            return None
        if not isinstance(value, str):
            number = self.number(value, path)
            return None if number is None else (number, None)
        raw = value.strip()
        if raw.upper() == "NA" or not raw:
            return None
        match = _P_VALUE.match(raw)
        if (
            not match
            or not _NUMBER.match(match.group(2))
            or not math.isfinite(float(match.group(2)))
        ):
            self.fail(path, f"is not a p-value: {value!r}")
        digits = match.group(2)
        number = _Number(float(digits), _decimals(digits), value)
        return number, _QUALIFIERS.get(match.group(1) or "")


@dataclass(frozen=True)
class _Number:
    value: float
    decimals: int | None
    raw: str


def _decimals(raw: str) -> int | None:
    if "e" in raw.lower():
        return None
    return len(raw.split(".", 1)[1]) if "." in raw else 0


def _reported(
    number: _Number, path: Path, *, unit: str | None = None, qualifier: str | None = None
) -> dict:
    """A reported measure whose source is the record's field at ``path``."""
    measure: dict[str, Any] = {"value": _clean(number.value), "status": "reported", "unit": unit}
    if number.decimals is not None:
        measure["decimals"] = number.decimals
    if qualifier is not None:
        measure["qualifier"] = qualifier
    measure["source"] = _source(path, number.raw)
    return measure


def _source(path: Path, quote: str) -> dict:
    return {"document": DOCUMENT_ID, "section": format_path(path), "quote": quote[:200]}


def _clean(x: float) -> float | int:
    return int(x) if x == int(x) and abs(x) < 2**53 else x


def _normal(text: str | None) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed: for matching."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.casefold()).split())


def _slug(text: str, taken: set[str], fallback: str) -> str:
    slug = _normal(text).replace(" ", "_")[:40].rstrip("_")
    if not slug or not slug[0].isalpha():
        slug = f"{fallback}_{slug}" if slug else fallback
    unique, n = slug, 2
    while unique in taken:
        unique, n = f"{slug}_{n}", n + 1
    taken.add(unique)
    return unique


def _is_total(title: str | None) -> bool:
    return _normal(title) in ("total", "overall", "all participants")


# --- arms and the matching of results groups ------------------------------------------


@dataclass
class _Arm:
    id: str
    label: str
    description: str
    role: str
    names: set[str] = field(default_factory=set)
    note: str | None = None


@dataclass(frozen=True)
class _Group:
    """A results group of one module: record id, title, description, field path."""

    id: str
    title: str
    description: str | None
    path: Path


class _Matcher:
    """Match results groups to arms by what they say, never by their position.

    In order: the group's title is the arm's label; its description is one already
    seen on a group whose title named an arm (modules repeat descriptions under other
    titles, e.g. "Dapa 10 mg" in adverse events); its title, then its description,
    mentions intervention names of exactly one arm.
    """

    def __init__(self, arms: Sequence[_Arm], all_groups: Iterable[_Group]) -> None:
        self.by_title = {_normal(arm.label): arm.id for arm in arms}
        descriptions: dict[str, set[str]] = {}
        for arm in arms:
            descriptions.setdefault(_normal(arm.description), set()).add(arm.id)
        for group in all_groups:
            arm_id = self.by_title.get(_normal(group.title))
            if arm_id is not None and group.description:
                descriptions.setdefault(_normal(group.description), set()).add(arm_id)
        self.by_description = {
            text: ids.pop() for text, ids in descriptions.items() if text and len(ids) == 1
        }
        counts: dict[str, int] = {}
        for arm in arms:
            for name in arm.names:
                counts[name] = counts.get(name, 0) + 1
        self.names = {arm.id: {n for n in arm.names if counts[n] == 1} for arm in arms}

    def match(self, group: _Group) -> str | None:
        if _is_total(group.title):
            return None
        title = _normal(group.title)
        if title in self.by_title:
            return self.by_title[title]
        description = _normal(group.description)
        if description in self.by_description:
            return self.by_description[description]
        for text in (title, description):
            found = {arm for arm, names in self.names.items() if _mentions(text, names)}
            if len(found) == 1:
                return found.pop()
        return None

    def assign(self, groups: Sequence[_Group], notes: list[str], what: str) -> dict[str, str]:
        """Group id -> arm id for the groups of one module; each arm taken at most once."""
        claims: dict[str, list[_Group]] = {}
        for group in groups:
            arm = self.match(group)
            if arm is not None:
                claims.setdefault(arm, []).append(group)
        out = {}
        for arm, claimed in claims.items():
            if len(claimed) == 1:
                out[claimed[0].id] = arm
            else:
                ids = ", ".join(f"{g.id} '{g.title}'" for g in claimed)
                notes.append(
                    f"{what}: groups {ids} all match arm '{arm}', so none of them was mapped to it."
                )
        return out


def _mentions(text: str, names: set[str]) -> bool:
    padded = f" {text} "
    return any(name and f" {name} " in padded for name in names)


# --- the conversion -------------------------------------------------------------------


def study_to_dict(study: Mapping, *, origin: str, locator: str = "") -> dict:
    """Convert one ClinicalTrials.gov API v2 study record into an evidence dict (1.2).

    Parameters
    ----------
    study : mapping
        The parsed record (``{"protocolSection": ..., "resultsSection": ...}``).
    origin : str
        The file name, for errors.
    locator : str, optional
        Where the study sits in its file, e.g. ``"studies[3]"`` in a page; prefixed to
        the field paths of errors (the sources' sections stay relative to the study).

    Returns
    -------
    dict
        Evidence of format 1.2, ready for :func:`explorer.evidence.from_dict`.

    Raises
    ------
    EvidenceError
        When a field the conversion needs is missing or of the wrong type, or a number
        is not one; the path names the field in the record.
    """
    return _Converter(study, _Reader(origin, locator)).run()


class _Converter:
    def __init__(self, study: Mapping, reader: _Reader) -> None:
        self.r = reader
        self.study = reader.obj(study, (), required=True)
        self.protocol = reader.obj(
            study.get("protocolSection"), ("protocolSection",), required=True
        )
        self.results = reader.obj(study.get("resultsSection"), ("resultsSection",))
        self.notes: list[str] = []
        self.populations: list[dict] = []

    # helpers for the protocol's modules

    def module(self, section: str, name: str) -> Mapping:
        parent = self.protocol if section == "protocolSection" else self.results
        return self.r.obj(parent.get(name), (section, name))

    def obj_at(self, *path: str) -> Mapping:
        """The object at ``path`` from the record's root ({} when absent); each object on
        the way must be one, and a failure names the path up to it."""
        node = self.study
        for i in range(len(path)):
            node = self.r.obj(node.get(path[i]), path[: i + 1])
        return node

    def text_at(self, *path: str) -> str | None:
        """The text at ``path`` from the record's root (None when absent)."""
        return self.r.text(self.obj_at(*path[:-1]).get(path[-1]), path)

    def run(self) -> dict:
        r = self.r
        ident = self.module("protocolSection", "identificationModule")
        id_path: Path = ("protocolSection", "identificationModule")
        nct = r.text(ident.get("nctId"), (*id_path, "nctId"), required=True)
        if not _NCT.match(nct):
            r.fail((*id_path, "nctId"), f"must be an NCT number like NCT01234567 (found {nct!r})")
        self.nct = nct
        status = self.module("protocolSection", "statusModule")
        posted_date = self.text_at(
            "protocolSection", "statusModule", "lastUpdatePostDateStruct", "date"
        )
        self.posted = posted_date
        title = r.text(ident.get("briefTitle"), (*id_path, "briefTitle")) or r.text(
            ident.get("officialTitle"), (*id_path, "officialTitle")
        )
        title = title or nct

        self.arms = self.build_arms()
        self.matcher = _Matcher(self.arms, self.all_groups())
        self.arm_by_id = {arm.id: arm for arm in self.arms}

        randomised = self.flow_population()
        safety = self.safety_population()
        baseline = self.baseline(randomised)
        outcome_measures = self.outcome_measures()
        endpoints = self.time_to_event_endpoints(outcome_measures, randomised)
        adverse_events = self.adverse_events(safety, randomised)
        if safety is not None and not adverse_events:
            self.populations = [p for p in self.populations if p["id"] != safety]

        citation = f"ClinicalTrials.gov record {nct}: {title}." + (
            f" Last update posted {posted_date}." if posted_date else ""
        )
        url = _STUDY_URL.format(nct)
        document: dict[str, Any] = {
            "id": DOCUMENT_ID,
            "kind": "registry",
            "title": f"ClinicalTrials.gov record {nct}",
            "citation": citation,
            "doi": None,
            "url": url,
            "note": (
                "Study record as downloaded from the ClinicalTrials.gov API (v2); the app"
                " never fetches it. Sources give the JSON field path of each figure."
            ),
        }
        if posted_date and _is_iso_date(posted_date):
            document["date"] = posted_date
        data: dict[str, Any] = {
            "schema_version": _FORMAT,
            "trial": self.trial(nct, title, ident, citation, url),
            "documents": [document],
            "data_cut": self.data_cut(status),
            "arms": [
                {
                    "id": arm.id,
                    "label": arm.label,
                    "description": arm.description,
                    "role": arm.role,
                }
                for arm in self.arms
            ],
            "populations": self.populations,
            "design": self.design(outcome_measures),
            "endpoints": endpoints,
            "adverse_events": adverse_events,
            "baseline": baseline,
            "outcome_measures": outcome_measures,
            "notes": self.final_notes(),
        }
        return data

    # identity

    def trial(self, nct: str, title: str, ident: Mapping, citation: str, url: str) -> dict:
        r = self.r
        id_path: Path = ("protocolSection", "identificationModule")
        acronym = r.text(ident.get("acronym"), (*id_path, "acronym")) or nct
        design = self.module("protocolSection", "designModule")
        d_path: Path = ("protocolSection", "designModule")
        phases = [
            r.text(p, (*d_path, "phases", i), required=True)
            for i, p in enumerate(r.arr(design.get("phases"), (*d_path, "phases")))
        ]
        conditions_module = self.module("protocolSection", "conditionsModule")
        c_path: Path = ("protocolSection", "conditionsModule", "conditions")
        conditions = [
            r.text(c, (*c_path, i), required=True)
            for i, c in enumerate(r.arr(conditions_module.get("conditions"), c_path))
        ]
        official = r.text(ident.get("officialTitle"), (*id_path, "officialTitle"))
        trial: dict[str, Any] = {
            "registry_id": nct,
            "acronym": acronym,
            "title": title,
            "phase": _phase(phases, self.study_type()),
            "setting": self.setting(design),
            "population": "; ".join(conditions) or "not stated in the registry record",
            "citation": {"text": citation, "doi": None, "url": url},
            "note": (
                f"Imported from the ClinicalTrials.gov record {nct}"
                + (f"; official title: {official}" if official and official != title else "")
                + f". The address {url} is given as text only."
            ),
        }
        context = self.context(design)
        if context:
            trial["context"] = context
        return trial

    def study_type(self) -> str | None:
        return self.text_at("protocolSection", "designModule", "studyType")

    def design_info(self) -> Mapping:
        return self.obj_at("protocolSection", "designModule", "designInfo")

    def setting(self, design: Mapping) -> str:
        kind = (self.study_type() or "").lower()
        info = self.design_info()
        words = []
        for key in (
            "allocation",
            "interventionModel",
            "primaryPurpose",
            "observationalModel",
            "timePerspective",
        ):
            value = info.get(key)
            if isinstance(value, str) and value and value != "NA":
                words.append(value.lower().replace("_", " "))
        head = f"{kind.capitalize()} study" if kind else "Study"
        return head + (f": {', '.join(words)}" if words else "") + " (as registered)"

    def context(self, design: Mapping) -> dict[str, str]:
        out: dict[str, str] = {}
        name = self.text_at("protocolSection", "sponsorCollaboratorsModule", "leadSponsor", "name")
        if name:
            out["Sponsor"] = name
        masking = self.masking_info()
        who = masking.get("whoMasked")
        if isinstance(who, list) and all(isinstance(w, str) for w in who) and who:
            out["Masked"] = ", ".join(w.lower().replace("_", " ") for w in who)
        status = self.module("protocolSection", "statusModule")
        primary = status.get("primaryCompletionDateStruct")
        if isinstance(primary, Mapping) and isinstance(primary.get("date"), str):
            kind = primary.get("type")
            suffix = f" ({kind.lower()})" if isinstance(kind, str) else ""
            out["Primary completion"] = primary["date"] + suffix
        return out

    def masking_info(self) -> Mapping:
        return self.obj_at("protocolSection", "designModule", "designInfo", "maskingInfo")

    def data_cut(self, status: Mapping) -> dict:
        label = "Results posted on ClinicalTrials.gov" + (
            f" (last update posted {self.posted})" if self.posted else ""
        )
        cut: dict[str, Any] = {"label": label, "date": None, "document": DOCUMENT_ID}
        primary = status.get("primaryCompletionDateStruct")
        if isinstance(primary, Mapping) and isinstance(primary.get("date"), str):
            cut["note"] = (
                "A registry record gives no data cut-off; its primary completion date is"
                f" {primary['date']}."
            )
        return cut

    def design(self, outcome_measures: list[dict]) -> dict:
        masking = self.masking_info().get("masking")
        primary = next((om["id"] for om in outcome_measures if om["role"] == "primary"), None)
        secondary = [om["title"] for om in outcome_measures if om["role"] == "secondary"]
        return {
            "allocation": {},
            "allocation_ratio": None,
            "stratification_factors": [],
            "primary_endpoint": primary,
            "primary_assessment": None,
            "response_criteria": None,
            "secondary_endpoints": secondary,
            "test": None,
            "sides": None,
            "alpha": None,
            "power": None,
            "hypothesised_hr": None,
            "accrual": None,
            "median_follow_up": None,
            "events_at_analysis": None,
            "masking": _MASKING.get(masking) if isinstance(masking, str) else None,
        }

    # arms

    def build_arms(self) -> list[_Arm]:
        r = self.r
        module = self.module("protocolSection", "armsInterventionsModule")
        path: Path = ("protocolSection", "armsInterventionsModule")
        groups = r.arr(module.get("armGroups"), (*path, "armGroups"))
        if not groups:
            return self.arms_from_results()
        names_by_label: dict[str, set[str]] = {}
        for i, item in enumerate(r.arr(module.get("interventions"), (*path, "interventions"))):
            ipath: Path = (*path, "interventions", i)
            item = r.obj(item, ipath)
            names = {_normal(r.text(item.get("name"), (*ipath, "name")))}
            for j, other in enumerate(r.arr(item.get("otherNames"), (*ipath, "otherNames"))):
                names.add(_normal(r.text(other, (*ipath, "otherNames", j))))
            labels = r.arr(item.get("armGroupLabels"), (*ipath, "armGroupLabels"))
            for j, label in enumerate(labels):
                key = _normal(r.text(label, (*ipath, "armGroupLabels", j)))
                names_by_label.setdefault(key, set()).update(names)
        taken: set[str] = set()
        arms, types = [], []
        for i, group in enumerate(groups):
            gpath: Path = (*path, "armGroups", i)
            group = r.obj(group, gpath)
            label = r.text(group.get("label"), (*gpath, "label"), required=True)
            description = r.text(group.get("description"), (*gpath, "description"))
            names = set(names_by_label.get(_normal(label), set()))
            listed = r.arr(group.get("interventionNames"), (*gpath, "interventionNames"))
            for j, name in enumerate(listed):
                text = r.text(name, (*gpath, "interventionNames", j)) or ""
                names.add(_normal(text.split(":", 1)[1] if ":" in text else text))
            names.discard("")
            arms.append(_Arm(_slug(label, taken, "arm"), label, description or label, "treatment"))
            arms[-1].names = names
            types.append(r.text(group.get("type"), (*gpath, "type")) or "")
        self.assign_roles(arms, types)
        return arms

    def assign_roles(self, arms: list[_Arm], types: list[str]) -> None:
        control = next((i for i, t in enumerate(types) if t in _PLACEBO_TYPES), None)
        if control is None:
            control = next((i for i, t in enumerate(types) if t == "ACTIVE_COMPARATOR"), None)
        if control is None and len(arms) > 1:
            # Some records type every arm EXPERIMENTAL, the placebo arm included: an arm
            # whose every intervention is a placebo or sham is the control.
            placebo = [
                i
                for i, arm in enumerate(arms)
                if arm.names and all(_PLACEBO_WORDS.search(n) for n in arm.names)
            ]
            if placebo and len(placebo) < len(arms):
                control = placebo[0]
                arms[control].note = (
                    f"typed {types[control] or 'without a type'} in the record; taken as the"
                    " control because its only intervention is a placebo or sham"
                )
        if control is not None and len(arms) == 1:
            arms[0].note = f"typed {types[0]} in the record; the only arm, so not a control"
            control = None
        for i, arm in enumerate(arms):
            if i == control:
                arm.role = "control"
            elif types[i] in _COMPARATOR_TYPES:
                arm.note = (
                    f"typed {types[i]} in the record; kept as a treatment arm because the"
                    f" evidence has one control arm ('{arms[control].label}')"
                    if control is not None
                    else arm.note
                )
        for arm in arms:
            if arm.note:
                self.notes.append(f"Arm '{arm.label}': {arm.note}.")

    def arms_from_results(self) -> list[_Arm]:
        """Arms for a record without arm groups (e.g. observational): its results groups."""
        for section, path in (
            ("participantFlowModule", ("resultsSection", "participantFlowModule", "groups")),
            (
                "baselineCharacteristicsModule",
                ("resultsSection", "baselineCharacteristicsModule", "groups"),
            ),
            ("adverseEventsModule", ("resultsSection", "adverseEventsModule", "eventGroups")),
        ):
            module = self.r.obj(self.results.get(section), path[:2])
            groups = [g for g in self.groups(module.get(path[2]), path) if not _is_total(g.title)]
            if groups:
                taken: set[str] = set()
                arms = [
                    _Arm(
                        _slug(g.title, taken, "arm"), g.title, g.description or g.title, "treatment"
                    )
                    for g in groups
                ]
                where = {
                    "participantFlowModule": "participant flow",
                    "baselineCharacteristicsModule": "baseline table",
                    "adverseEventsModule": "adverse-event table",
                }[section]
                self.notes.append(
                    f"The record lists no arm groups; each group of its {where} is taken as an"
                    " arm, none as a control."
                )
                return arms
        self.r.fail(
            ("protocolSection", "armsInterventionsModule", "armGroups"),
            "is required: the record lists no arm groups and no results groups",
        )

    def groups(self, value: Any, path: Path) -> list[_Group]:
        r = self.r
        out = []
        for i, group in enumerate(r.arr(value, path)):
            gpath: Path = (*path, i)
            group = r.obj(group, gpath)
            group_id = r.text(group.get("id"), (*gpath, "id"), required=True)
            if not re.match(r"^[A-Za-z][A-Za-z0-9_-]*$", group_id):
                r.fail((*gpath, "id"), f"is not a group id like OG000 (found {group_id!r})")
            title = r.text(group.get("title"), (*gpath, "title")) or group_id
            description = r.text(group.get("description"), (*gpath, "description"))
            out.append(_Group(group_id, title, description, gpath))
        return out

    def all_groups(self) -> list[_Group]:
        res = self.results
        r = self.r
        out: list[_Group] = []
        for module, key in (
            ("participantFlowModule", "groups"),
            ("baselineCharacteristicsModule", "groups"),
            ("adverseEventsModule", "eventGroups"),
        ):
            content = r.obj(res.get(module), ("resultsSection", module))
            out += self.groups(content.get(key), ("resultsSection", module, key))
        for i, om in enumerate(self.outcome_list()):
            path: Path = ("resultsSection", "outcomeMeasuresModule", "outcomeMeasures", i)
            out += self.groups(r.obj(om, path).get("groups"), (*path, "groups"))
        return out

    def outcome_list(self) -> list:
        module = self.r.obj(
            self.results.get("outcomeMeasuresModule"), ("resultsSection", "outcomeMeasuresModule")
        )
        return self.r.arr(
            module.get("outcomeMeasures"),
            ("resultsSection", "outcomeMeasuresModule", "outcomeMeasures"),
        )

    def dropped(self, what: str, groups: Sequence[_Group], mapped: Mapping[str, str]) -> None:
        for group in groups:
            if group.id not in mapped and not _is_total(group.title):
                self.notes.append(
                    f"{what}: group {group.id} '{group.title}' matches no arm and was left out."
                )

    # populations

    def flow_population(self) -> str:
        """The population that started the study (randomised when allocation says so)."""
        r = self.r
        info = self.design_info()
        randomised = info.get("allocation") == "RANDOMIZED"
        pop_id = "randomised" if randomised else "enrolled"
        kind = "randomised" if randomised else "other"
        label = "Randomised (started the study)" if randomised else "Started the study"
        by_arm: dict[str, dict] = {}
        started: list[_Number] = []
        module = r.obj(
            self.results.get("participantFlowModule"), ("resultsSection", "participantFlowModule")
        )
        path: Path = ("resultsSection", "participantFlowModule")
        groups = self.groups(module.get("groups"), (*path, "groups"))
        mapped = self.matcher.assign(groups, self.notes, "Participant flow")
        self.dropped("Participant flow", groups, mapped)
        periods = r.arr(module.get("periods"), (*path, "periods"))
        if periods:
            ppath: Path = (*path, "periods", 0)
            period = r.obj(periods[0], ppath)
            for i, milestone in enumerate(r.arr(period.get("milestones"), (*ppath, "milestones"))):
                mpath: Path = (*ppath, "milestones", i)
                milestone = r.obj(milestone, mpath)
                if milestone.get("type") != "STARTED":
                    continue
                achievements = r.arr(milestone.get("achievements"), (*mpath, "achievements"))
                for j, item in enumerate(achievements):
                    apath: Path = (*mpath, "achievements", j)
                    item = r.obj(item, apath)
                    group = r.text(item.get("groupId"), (*apath, "groupId"), required=True)
                    n = r.number(item.get("numSubjects"), (*apath, "numSubjects"))
                    if n is None:
                        continue
                    started.append(n)
                    if group in mapped:
                        by_arm[mapped[group]] = _reported(
                            n, (*apath, "numSubjects"), unit="patients"
                        )
                break
        total = self.enrollment_total(started)
        self.populations.append(
            {"id": pop_id, "kind": kind, "label": label, "total": total, "by_arm": by_arm}
        )
        self.flow_by_arm = {arm: m["value"] for arm, m in by_arm.items()}
        return pop_id

    def enrollment_total(self, started: list[_Number]) -> dict | None:
        r = self.r
        design = self.module("protocolSection", "designModule")
        path: Path = ("protocolSection", "designModule", "enrollmentInfo")
        info = r.obj(design.get("enrollmentInfo"), path)
        count = r.number(info.get("count"), (*path, "count"))
        actual = info.get("type") == "ACTUAL"
        total_started = sum(n.value for n in started)
        if count is not None and actual and (not started or count.value == total_started):
            return _reported(count, (*path, "count"), unit="patients")
        if started:
            terms = " + ".join(n.raw.strip() for n in started)
            return {
                "value": _clean(total_started),
                "status": "derived",
                "unit": "patients",
                "decimals": 0,
                "derivation": (
                    "sum of the participants who STARTED the first period of the participant"
                    f" flow, over its groups ({terms})"
                ),
            }
        if count is not None:
            return _reported(count, (*path, "count"), unit="patients")
        return None

    def event_groups(self) -> tuple[list[_Group], list[Mapping]]:
        path: Path = ("resultsSection", "adverseEventsModule")
        module = self.r.obj(self.results.get("adverseEventsModule"), path)
        groups = self.groups(module.get("eventGroups"), (*path, "eventGroups"))
        raw = [
            self.r.obj(g, (*path, "eventGroups", i))
            for i, g in enumerate(self.r.arr(module.get("eventGroups"), (*path, "eventGroups")))
        ]
        return groups, raw

    def safety_population(self) -> str | None:
        groups, raw = self.event_groups()
        if not groups:
            return None
        mapped = self.matcher.assign(groups, self.notes, "Adverse events")
        self.dropped("Adverse events", groups, mapped)
        self.event_arms = mapped
        by_arm: dict[str, dict] = {}
        numbers: list[_Number] = []
        total = None
        for group, item in zip(groups, raw, strict=True):
            for key in ("seriousNumAtRisk", "otherNumAtRisk"):
                n = self.r.number(item.get(key), (*group.path, key))
                if n is not None:
                    break
            if n is None:
                continue
            if _is_total(group.title):
                total = _reported(n, (*group.path, key), unit="patients")
            else:
                numbers.append(n)
                if group.id in mapped:
                    by_arm[mapped[group.id]] = _reported(n, (*group.path, key), unit="patients")
        if total is None and numbers:
            terms = " + ".join(n.raw for n in numbers)
            total = {
                "value": _clean(sum(n.value for n in numbers)),
                "status": "derived",
                "unit": "patients",
                "decimals": 0,
                "derivation": (
                    f"sum of the participants at risk in each adverse-event group ({terms})"
                ),
            }
        self.populations.append(
            {
                "id": "safety",
                "kind": "safety",
                "label": "At risk for adverse events (ClinicalTrials.gov)",
                "total": total,
                "by_arm": by_arm,
                "note": (
                    "Participants at risk for serious adverse events per group, as the"
                    " record's adverse-event module gives them."
                ),
            }
        )
        return "safety"

    # baseline

    def baseline(self, randomised: str) -> list[dict]:
        r = self.r
        path: Path = ("resultsSection", "baselineCharacteristicsModule")
        module = r.obj(self.results.get("baselineCharacteristicsModule"), path)
        groups = self.groups(module.get("groups"), (*path, "groups"))
        if not groups:
            return []
        mapped = self.matcher.assign(groups, self.notes, "Baseline")
        self.dropped("Baseline", groups, mapped)
        totals = {g.id for g in groups if _is_total(g.title) and g.id not in mapped}
        titles = {g.id: g.title for g in groups}
        population = self.baseline_population(module, path, mapped, totals, randomised)
        out: list[dict] = []
        measures = r.arr(module.get("measures"), (*path, "measures"))
        for i, measure in enumerate(measures):
            mpath: Path = (*path, "measures", i)
            measure = r.obj(measure, mpath)
            out += self.baseline_measure(measure, mpath, mapped, totals, titles, population, out)
        return out

    def baseline_population(
        self,
        module: Mapping,
        path: Path,
        mapped: Mapping[str, str],
        totals: set[str],
        randomised: str,
    ) -> str:
        r = self.r
        by_arm: dict[str, dict] = {}
        total = None
        denoms = r.arr(module.get("denoms"), (*path, "denoms"))
        if denoms:
            dpath: Path = (*path, "denoms", _participants_index(denoms))
            denom = r.obj(denoms[_participants_index(denoms)], dpath)
            for j, count in enumerate(r.arr(denom.get("counts"), (*dpath, "counts"))):
                cpath: Path = (*dpath, "counts", j)
                count = r.obj(count, cpath)
                group = r.text(count.get("groupId"), (*cpath, "groupId"), required=True)
                n = r.number(count.get("value"), (*cpath, "value"))
                if n is None:
                    continue
                if group in mapped:
                    by_arm[mapped[group]] = _reported(n, (*cpath, "value"), unit="patients")
                elif group in totals:
                    total = _reported(n, (*cpath, "value"), unit="patients")
        same = {arm: m["value"] for arm, m in by_arm.items()} == self.flow_by_arm
        if not by_arm or same:
            return randomised
        self.populations.append(
            {
                "id": "baseline",
                "kind": "other",
                "label": "Analysed for baseline characteristics",
                "total": total,
                "by_arm": by_arm,
                "note": "The participants the record's baseline table counts, per group.",
            }
        )
        return "baseline"

    def baseline_measure(
        self,
        measure: Mapping,
        path: Path,
        mapped: Mapping[str, str],
        totals: set[str],
        titles: Mapping[str, str],
        population: str,
        done: list[dict],
    ) -> list[dict]:
        r = self.r
        title = r.text(measure.get("title"), (*path, "title")) or "Baseline measure"
        param = r.text(measure.get("paramType"), (*path, "paramType"))
        dispersion = r.text(measure.get("dispersionType"), (*path, "dispersionType"))
        unit_text = r.text(measure.get("unitOfMeasure"), (*path, "unitOfMeasure"))
        unit = "patients" if param == "COUNT_OF_PARTICIPANTS" else _time_unit(unit_text)
        level = _ci_level(dispersion)
        out = []
        for j, klass in enumerate(r.arr(measure.get("classes"), (*path, "classes"))):
            kpath: Path = (*path, "classes", j)
            klass = r.obj(klass, kpath)
            class_title = r.text(klass.get("title"), (*kpath, "title"))
            categories = r.arr(klass.get("categories"), (*kpath, "categories"))
            for k, category in enumerate(categories):
                cpath: Path = (*kpath, "categories", k)
                category = r.obj(category, cpath)
                cat_title = r.text(category.get("title"), (*cpath, "title"))
                label = " — ".join(t for t in (title, class_title, cat_title) if t)
                by_arm: dict[str, dict] = {}
                overall = None
                remarks: list[str] = []
                cells = r.arr(category.get("measurements"), (*cpath, "measurements"))
                for m, cell in enumerate(cells):
                    vpath: Path = (*cpath, "measurements", m)
                    cell = r.obj(cell, vpath)
                    group = r.text(cell.get("groupId"), (*vpath, "groupId"), required=True)
                    who = titles.get(group, group)
                    value = r.number(cell.get("value"), (*vpath, "value"))
                    comment = r.text(cell.get("comment"), (*vpath, "comment"))
                    if value is None:
                        remarks.append(
                            f"{who}: not available" + (f" ({_clause(comment)})" if comment else "")
                        )
                        continue
                    built = _reported(value, (*vpath, "value"), unit=unit)
                    remarks += self.spread(cell, vpath, built, who, dispersion, level)
                    if group in mapped:
                        by_arm[mapped[group]] = built
                    elif group in totals:
                        overall = built
                if not by_arm and overall is None:
                    continue
                item: dict[str, Any] = {
                    "id": f"baseline_{len(done) + len(out) + 1}",
                    "label": label,
                    "population": population,
                    "overall": overall,
                    "by_arm": by_arm,
                }
                parts = (_words(param), _words(dispersion), unit_text and f"unit '{unit_text}'")
                described = ", ".join(x for x in parts if x)
                note = (f"Registry: {described}." if described else "") + (
                    " " + "; ".join(remarks) + "." if remarks else ""
                )
                if note.strip():
                    item["note"] = note.strip()
                out.append(item)
        return out

    def spread(
        self,
        cell: Mapping,
        path: Path,
        built: dict,
        who: str,
        dispersion: str | None,
        level: float | None,
    ) -> list[str]:
        """Put a baseline value's spread or limits on its measure, or in words."""
        r = self.r
        remarks = []
        spread = r.number(cell.get("spread"), (*path, "spread"))
        if spread is not None:
            remarks.append(f"{who}: {_words(dispersion) or 'spread'} {spread.raw.strip()}")
        lower = r.number(cell.get("lowerLimit"), (*path, "lowerLimit"))
        upper = r.number(cell.get("upperLimit"), (*path, "upperLimit"))
        if lower is None or upper is None:
            if lower is not None or upper is not None:
                low, high = (x.raw.strip() if x else "NA" for x in (lower, upper))
                remarks.append(f"{who}: limits {low} to {high}")
            return remarks
        value = built["value"]
        fits = lower.value <= value <= upper.value
        if dispersion == "FULL_RANGE" and fits:
            built["range"] = [_clean(lower.value), _clean(upper.value)]
            _widen_decimals(built, lower, upper)
        elif level is not None and fits:
            built.update(lower=_clean(lower.value), upper=_clean(upper.value), level=level)
            _widen_decimals(built, lower, upper)
        else:
            words = _words(dispersion) or "limits"
            remarks.append(f"{who}: {words} {lower.raw.strip()} to {upper.raw.strip()}")
        return remarks

    # outcome measures

    def outcome_measures(self) -> list[dict]:
        items = self.outcome_list()
        if not items:
            return self.planned_outcomes()
        out: list[dict] = []
        counter: dict[str, int] = {}
        for i, om in enumerate(items):
            path: Path = ("resultsSection", "outcomeMeasuresModule", "outcomeMeasures", i)
            out.append(self.outcome_measure(self.r.obj(om, path), path, counter))
        return out

    def planned_outcomes(self) -> list[dict]:
        """A record without results: its registered outcomes, with no values."""
        r = self.r
        path: Path = ("protocolSection", "outcomesModule")
        module = r.obj(self.protocol.get("outcomesModule"), path)
        out: list[dict] = []
        counter: dict[str, int] = {}
        for key, role in (
            ("primaryOutcomes", "primary"),
            ("secondaryOutcomes", "secondary"),
            ("otherOutcomes", "other"),
        ):
            for i, item in enumerate(r.arr(module.get(key), (*path, key))):
                ipath: Path = (*path, key, i)
                item = r.obj(item, ipath)
                title = r.text(item.get("measure"), (*ipath, "measure"), required=True)
                counter[role] = counter.get(role, 0) + 1
                out.append(
                    {
                        "id": f"{role}_{counter[role]}",
                        "title": title,
                        "role": role,
                        "description": r.text(item.get("description"), (*ipath, "description")),
                        "time_frame": r.text(item.get("timeFrame"), (*ipath, "timeFrame")),
                        "population_description": None,
                        "param_type": None,
                        "dispersion": None,
                        "unit": None,
                        "groups": [],
                        "values": [],
                        "analyses": [],
                        "source": _source(ipath, title),
                    }
                )
        if out:
            self.notes.append(
                "The record has no posted results: its outcome measures are the registered"
                " ones, without values."
            )
        return out

    def outcome_measure(self, om: Mapping, path: Path, counter: dict[str, int]) -> dict:
        r = self.r
        title = r.text(om.get("title"), (*path, "title"), required=True)
        kind = r.text(om.get("type"), (*path, "type"))
        role = _ROLES.get(kind or "", "other")
        counter[role] = counter.get(role, 0) + 1
        om_id = f"{role}_{counter[role]}"
        groups = self.groups(om.get("groups"), (*path, "groups"))
        mapped = self.matcher.assign(groups, self.notes, f"Outcome measure {om_id}")
        n_by_group = self.denominators(om, path)
        group_ids = {g.id for g in groups}
        values = []
        for j, klass in enumerate(r.arr(om.get("classes"), (*path, "classes"))):
            kpath: Path = (*path, "classes", j)
            klass = r.obj(klass, kpath)
            class_title = r.text(klass.get("title"), (*kpath, "title"))
            for k, category in enumerate(r.arr(klass.get("categories"), (*kpath, "categories"))):
                cpath: Path = (*kpath, "categories", k)
                category = r.obj(category, cpath)
                cat_title = r.text(category.get("title"), (*cpath, "title"))
                cells = r.arr(category.get("measurements"), (*cpath, "measurements"))
                for m, cell in enumerate(cells):
                    vpath: Path = (*cpath, "measurements", m)
                    values.append(
                        self.outcome_value(
                            r.obj(cell, vpath), vpath, class_title, cat_title, group_ids
                        )
                    )
        analyses = [
            self.analysis(r.obj(a, (*path, "analyses", j)), (*path, "analyses", j), group_ids)
            for j, a in enumerate(r.arr(om.get("analyses"), (*path, "analyses")))
        ]
        return {
            "id": om_id,
            "title": title,
            "role": role,
            "description": r.text(om.get("description"), (*path, "description")),
            "time_frame": r.text(om.get("timeFrame"), (*path, "timeFrame")),
            "population_description": r.text(
                om.get("populationDescription"), (*path, "populationDescription")
            ),
            "param_type": r.text(om.get("paramType"), (*path, "paramType")),
            "dispersion": r.text(om.get("dispersionType"), (*path, "dispersionType")),
            "unit": r.text(om.get("unitOfMeasure"), (*path, "unitOfMeasure")),
            "groups": [
                {
                    "id": g.id,
                    "label": g.title,
                    "description": g.description,
                    "arm": mapped.get(g.id),
                    "n": n_by_group.get(g.id),
                }
                for g in groups
            ],
            "values": values,
            "analyses": analyses,
            "source": _source(path, title),
        }

    def denominators(self, om: Mapping, path: Path) -> dict[str, dict]:
        r = self.r
        denoms = r.arr(om.get("denoms"), (*path, "denoms"))
        if not denoms:
            return {}
        index = _participants_index(denoms)
        dpath: Path = (*path, "denoms", index)
        denom = r.obj(denoms[index], dpath)
        units = r.text(denom.get("units"), (*dpath, "units"))
        unit = "patients" if _normal(units) == "participants" else None
        out = {}
        for j, count in enumerate(r.arr(denom.get("counts"), (*dpath, "counts"))):
            cpath: Path = (*dpath, "counts", j)
            count = r.obj(count, cpath)
            group = r.text(count.get("groupId"), (*cpath, "groupId"), required=True)
            n = r.number(count.get("value"), (*cpath, "value"))
            if n is not None:
                out[group] = _reported(n, (*cpath, "value"), unit=unit)
        return out

    def outcome_value(
        self,
        cell: Mapping,
        path: Path,
        class_title: str | None,
        category: str | None,
        group_ids: set[str],
    ) -> dict:
        r = self.r
        group = r.text(cell.get("groupId"), (*path, "groupId"), required=True)
        if group not in group_ids:
            r.fail((*path, "groupId"), f"names group {group!r}, which this outcome measure lacks")
        value = r.number(cell.get("value"), (*path, "value"))
        comments = [c for c in [r.text(cell.get("comment"), (*path, "comment"))] if c]
        if value is None and cell.get("value") is not None:
            comments.insert(0, "value not available (NA)")
        spread = r.number(cell.get("spread"), (*path, "spread"))
        lower = r.number(cell.get("lowerLimit"), (*path, "lowerLimit"))
        upper = r.number(cell.get("upperLimit"), (*path, "upperLimit"))
        for name, limit in (("lower", lower), ("upper", upper)):
            key = f"{name}Limit"
            if limit is None and isinstance(cell.get(key), str):
                comments.append(f"{name} limit not available ({cell[key].strip()})")
        if lower is not None and upper is not None and lower.value > upper.value:
            comments.append(f"limits as recorded: {lower.raw} to {upper.raw}")
            lower = upper = None
        return {
            "group": group,
            "class_label": class_title,
            "category": category,
            "measure": None if value is None else _reported(value, (*path, "value")),
            "spread": None if spread is None else _clean(spread.value),
            "lower": None if lower is None else _clean(lower.value),
            "upper": None if upper is None else _clean(upper.value),
            "comment": "; ".join(_clause(c) for c in comments) or None,
        }

    def analysis(self, item: Mapping, path: Path, group_ids: set[str]) -> dict:
        r = self.r
        ids = r.arr(item.get("groupIds"), (*path, "groupIds"))
        if not ids:
            r.fail((*path, "groupIds"), "is required: the groups the analysis compares")
        groups = []
        for k, group in enumerate(ids):
            group = r.text(group, (*path, "groupIds", k), required=True)
            if group not in group_ids:
                r.fail(
                    (*path, "groupIds", k),
                    f"names group {group!r}, which this outcome measure lacks",
                )
            if group not in groups:
                groups.append(group)
        notes = []
        estimate = None
        value = r.number(item.get("paramValue"), (*path, "paramValue"))
        if value is not None:
            estimate = _reported(value, (*path, "paramValue"))
            notes += self.interval(item, path, estimate)
        p = r.p_value(item.get("pValue"), (*path, "pValue"))
        p_measure = None
        if p is not None:
            number, qualifier = p
            if 0 <= number.value <= 1:
                p_measure = _reported(number, (*path, "pValue"), qualifier=qualifier)
            else:
                notes.append(f"p-value as recorded: {number.raw}")
        sides = {"ONE_SIDED": 1, "TWO_SIDED": 2}.get(str(item.get("ciNumSides")))
        dispersion = r.text(item.get("dispersionType"), (*path, "dispersionType"))
        spread = r.number(item.get("dispersionValue"), (*path, "dispersionValue"))
        if spread is not None:
            notes.append(f"{_words(dispersion) or 'dispersion'} {spread.raw.strip()}")
        for key in (
            "estimateComment",
            "statisticalComment",
            "pValueComment",
            "ciLowerLimitComment",
            "ciUpperLimitComment",
            "otherAnalysisDescription",
            "nonInferiorityComment",
        ):
            text = r.text(item.get(key), (*path, key))
            if text:
                notes.append(text)
        tested = r.text(item.get("testedNonInferiority"), (*path, "testedNonInferiority"))
        return {
            "groups": groups,
            "group_description": r.text(item.get("groupDescription"), (*path, "groupDescription")),
            "estimate_name": r.text(item.get("paramType"), (*path, "paramType")),
            "estimate": estimate,
            "ci_sides": sides,
            "p": p_measure,
            "method": r.text(item.get("statisticalMethod"), (*path, "statisticalMethod")),
            "non_inferiority": r.text(item.get("nonInferiorityType"), (*path, "nonInferiorityType"))
            or tested,
            "note": " ".join(n if n.endswith(".") else n + "." for n in notes) or None,
        }

    def interval(self, item: Mapping, path: Path, estimate: dict) -> list[str]:
        """Put an analysis's CI on its estimate when it is complete and consistent."""
        r = self.r
        lower = r.number(item.get("ciLowerLimit"), (*path, "ciLowerLimit"))
        upper = r.number(item.get("ciUpperLimit"), (*path, "ciUpperLimit"))
        pct = r.number(item.get("ciPctValue"), (*path, "ciPctValue"))
        if lower is None and upper is None:
            return []
        words = (
            f"{pct.raw.strip()}% CI" if pct is not None else "CI"
        ) + f" as recorded: {lower.raw if lower else 'NA'} to {upper.raw if upper else 'NA'}"
        if lower is None or upper is None or pct is None or not 0 < pct.value < 100:
            return [words]
        if not lower.value <= estimate["value"] <= upper.value:
            return [words + " (it does not contain the estimate)"]
        estimate.update(
            lower=_clean(lower.value), upper=_clean(upper.value), level=round(pct.value / 100, 6)
        )
        _widen_decimals(estimate, lower, upper)
        # keep the dict order readable: source last
        estimate["source"] = estimate.pop("source")
        return []

    # time-to-event endpoints from clearly time-to-event outcomes

    def time_to_event_endpoints(self, measures: list[dict], population: str) -> list[dict]:
        out = []
        for om in measures:
            endpoint = self.time_to_event(om, population)
            if endpoint is not None:
                out.append(endpoint)
        return out

    def time_to_event(self, om: dict, population: str) -> dict | None:
        title = om["title"]
        param = om["param_type"]
        unit = _time_unit(om["unit"])
        median_kind = param == "MEDIAN" and unit is not None
        count_kind = param == "COUNT_OF_PARTICIPANTS" and _normal(title).startswith("time to")
        if count_kind:
            unit = _time_unit_in(om["time_frame"])
        if not (median_kind or count_kind) or unit is None:
            return None
        arm_of = {g["id"]: g["arm"] for g in om["groups"]}
        effects = [e for a in om["analyses"] if (e := self.hazard_ratio(a, arm_of)) is not None]
        if not effects:
            return None
        single = _single_values(om)
        endpoint: dict[str, Any] = {
            "id": f"{om['id']}_tte",
            "kind": "time_to_event",
            "name": title,
            "role": _ENDPOINT_ROLES[om["role"]],
            "population": population,
            "assessment": None,
            "unit": unit,
            "medians": {},
            "landmarks": [],
            "effect": effects[0],
            "events": None,
        }
        if len(effects) > 1:
            endpoint["other_effects"] = effects[1:]
        if median_kind:
            level = _ci_level(om["dispersion"])
            for group, value in single.items():
                arm = arm_of.get(group)
                measure = value["measure"]
                if arm is None or measure is None or measure["value"] <= 0:
                    continue
                median = dict(measure, unit=unit)
                low, high = value["lower"], value["upper"]
                if level is not None and None not in (low, high) and low <= median["value"] <= high:
                    median.update(lower=low, upper=high, level=level)
                    median["decimals"] = max(
                        median.get("decimals", 0),
                        _decimals(str(low)) or 0,
                        _decimals(str(high)) or 0,
                    )
                    median["source"] = median.pop("source")
                endpoint["medians"][arm] = median
            what = "medians per arm and the hazard ratio"
        else:
            counts = [
                (v["measure"]["value"], v["measure"]["source"]["quote"])
                for g, v in single.items()
                if v["measure"] is not None and arm_of.get(g) is not None
            ]
            if len(counts) == len(single) and counts:
                endpoint["events"] = {
                    "value": _clean(sum(c for c, _ in counts)),
                    "status": "derived",
                    "unit": "events",
                    "decimals": 0,
                    "derivation": (
                        f"sum of the participants with an event in each group of outcome measure"
                        f" {om['id']} ({' + '.join(q.strip() for _, q in counts)})"
                    ),
                }
            what = "the hazard ratio (the record gives counts of participants with an event)"
        endpoint["note"] = (
            f"Mapped from the registry outcome measure {om['id']}: {what}, as the record"
            " states them. The record does not state which direction favours treatment."
        )
        return endpoint

    def hazard_ratio(self, analysis: dict, arm_of: Mapping[str, str | None]) -> dict | None:
        name = analysis["estimate_name"] or ""
        estimate = analysis["estimate"]
        if "hazard ratio" not in name.casefold() or estimate is None:
            return None
        if len(analysis["groups"]) != 2 or estimate["value"] <= 0:
            return None
        if "lower" in estimate and estimate["lower"] <= 0:
            return None
        arms = [arm_of.get(g) for g in analysis["groups"]]
        if None in arms or arms[0] == arms[1]:
            return None
        roles = {self.arm_by_id[a].role: a for a in arms if a is not None}
        if set(roles) != {"treatment", "control"}:
            return None
        treatment, control = roles["treatment"], roles["control"]
        effect: dict[str, Any] = {
            "kind": "HR",
            "estimate": dict(estimate, unit="ratio"),
            "p": analysis["p"],
            "test": analysis["method"],
            "treatment": treatment,
            "control": control,
            "label": f"{self.arm_by_id[treatment].label} vs {self.arm_by_id[control].label}",
        }
        effect["estimate"]["source"] = effect["estimate"].pop("source")
        if analysis["note"]:
            effect["note"] = analysis["note"]
        return effect

    # adverse events

    def adverse_events(self, safety: str | None, randomised: str) -> list[dict]:
        if safety is None:
            return []
        r = self.r
        path: Path = ("resultsSection", "adverseEventsModule")
        module = r.obj(self.results.get("adverseEventsModule"), path)
        groups, raw = self.event_groups()
        mapped = self.event_arms
        totals = {g.id for g in groups if _is_total(g.title) and g.id not in mapped}
        at_risk_key = {"serious": "seriousNumAtRisk", "other": "otherNumAtRisk"}
        out: list[dict] = []
        threshold = r.text(module.get("frequencyThreshold"), (*path, "frequencyThreshold"))
        summary = self.summary_events(groups, raw, mapped, totals, safety, randomised, threshold)
        out += summary
        for key, category in (("seriousEvents", "serious"), ("otherEvents", "other")):
            for i, event in enumerate(r.arr(module.get(key), (*path, key))):
                epath: Path = (*path, key, i)
                event = r.obj(event, epath)
                term = r.text(event.get("term"), (*epath, "term"), required=True)
                organ = r.text(event.get("organSystem"), (*epath, "organSystem"))
                by_arm: dict[str, dict] = {}
                overall = None
                for j, stat in enumerate(r.arr(event.get("stats"), (*epath, "stats"))):
                    spath: Path = (*epath, "stats", j)
                    stat = r.obj(stat, spath)
                    group = r.text(stat.get("groupId"), (*spath, "groupId"), required=True)
                    proportion = self.event_proportion(
                        stat, spath, group, groups, raw, at_risk_key[category]
                    )
                    if proportion is None:
                        continue
                    if group in mapped:
                        by_arm[mapped[group]] = proportion
                    elif group in totals:
                        overall = proportion
                vocabulary = r.text(event.get("sourceVocabulary"), (*epath, "sourceVocabulary"))
                assessment = r.text(event.get("assessmentType"), (*epath, "assessmentType"))
                detail = r.text(event.get("notes"), (*epath, "notes"))
                note = _NO_GRADE + "".join(
                    f" {x}."
                    for x in (
                        vocabulary and f"Vocabulary: {vocabulary}",
                        assessment and f"Assessment: {assessment.lower().replace('_', ' ')}",
                        detail and f"Record note: {detail.rstrip('.')}",
                    )
                    if x
                )
                entry: dict[str, Any] = {
                    "id": f"{category}_{i + 1}",
                    "term": term,
                    "grade": "ungraded",
                    "category": category,
                    "population": safety,
                    "organ_system": organ,
                    "overall": overall,
                    "by_arm": by_arm,
                    "note": note,
                }
                out.append(entry)
        return out

    def event_proportion(
        self,
        stat: Mapping,
        path: Path,
        group: str,
        groups: Sequence[_Group],
        raw: Sequence[Mapping],
        at_risk_key: str,
    ) -> dict | None:
        r = self.r
        affected = r.number(stat.get("numAffected"), (*path, "numAffected"))
        if affected is None:
            return None
        at_risk = r.number(stat.get("numAtRisk"), (*path, "numAtRisk"))
        denominator = None
        if at_risk is not None:
            denominator = _reported(at_risk, (*path, "numAtRisk"), unit="patients")
        else:
            for g, item in zip(groups, raw, strict=True):
                if g.id == group:
                    n = r.number(item.get(at_risk_key), (*g.path, at_risk_key))
                    if n is not None:
                        denominator = _reported(n, (*g.path, at_risk_key), unit="patients")
        if denominator is not None and affected.value > denominator["value"]:
            r.fail(
                (*path, "numAffected"),
                f"{affected.raw} participants affected exceed the {denominator['value']} at risk",
            )
        return {
            "percent": None,
            "count": _reported(affected, (*path, "numAffected"), unit="patients"),
            "denominator": denominator,
        }

    def summary_events(
        self,
        groups: Sequence[_Group],
        raw: Sequence[Mapping],
        mapped: Mapping[str, str],
        totals: set[str],
        safety: str,
        randomised: str,
        threshold: str | None,
    ) -> list[dict]:
        """All-cause deaths and any serious / other event, from the event groups."""
        specs = (
            (
                "deaths",
                "All-cause deaths",
                "other",
                "deathsNumAffected",
                "deathsNumAtRisk",
                "Deaths from any cause, from the record's event groups; deaths may be counted"
                " on all randomised participants, adverse events on treated ones. " + _NO_GRADE,
            ),
            (
                "serious_any",
                "Any serious adverse event",
                "serious",
                "seriousNumAffected",
                "seriousNumAtRisk",
                "Participants with at least one serious adverse event. " + _NO_GRADE,
            ),
            (
                "other_any",
                "Any other (non-serious) adverse event",
                "other",
                "otherNumAffected",
                "otherNumAtRisk",
                "Participants with at least one non-serious adverse event reported above the"
                " record's frequency threshold"
                + (f" ({threshold}%)" if threshold else "")
                + ". "
                + _NO_GRADE,
            ),
        )
        out = []
        for entry_id, term, category, affected_key, risk_key, note in specs:
            by_arm: dict[str, dict] = {}
            overall = None
            denominators: dict[str, float] = {}
            for group, item in zip(groups, raw, strict=True):
                affected = self.r.number(item.get(affected_key), (*group.path, affected_key))
                at_risk = self.r.number(item.get(risk_key), (*group.path, risk_key))
                if affected is None:
                    continue
                if at_risk is not None and affected.value > at_risk.value:
                    self.r.fail(
                        (*group.path, affected_key),
                        f"{affected.raw} participants exceed the {at_risk.raw} at risk",
                    )
                proportion = {
                    "percent": None,
                    "count": _reported(affected, (*group.path, affected_key), unit="patients"),
                    "denominator": None
                    if at_risk is None
                    else _reported(at_risk, (*group.path, risk_key), unit="patients"),
                }
                if group.id in mapped:
                    by_arm[mapped[group.id]] = proportion
                    if at_risk is not None:
                        denominators[mapped[group.id]] = at_risk.value
                elif group.id in totals:
                    overall = proportion
            if not by_arm and overall is None:
                continue
            population = safety
            if entry_id == "deaths" and denominators and denominators == self.flow_by_arm:
                population = randomised
            out.append(
                {
                    "id": entry_id,
                    "term": term,
                    "grade": "ungraded",
                    "category": category,
                    "population": population,
                    "organ_system": None,
                    "overall": overall,
                    "by_arm": by_arm,
                    "note": note,
                }
            )
        return out

    def final_notes(self) -> list[str]:
        notes = [
            f"Imported from the ClinicalTrials.gov record {self.nct}"
            + (f" (last update posted {self.posted})" if self.posted else "")
            + ". A registry record has no sample-size calculation: allocation, alpha, power"
            " and the hypothesised effect are not reported.",
            "Results groups were matched to arms by their titles, descriptions and"
            " intervention names, not by their position in the record.",
            "Registry adverse events are serious or other events without CTCAE grades.",
        ]
        return notes + list(dict.fromkeys(self.notes))


# --- small helpers --------------------------------------------------------------------


def _phase(phases: list[str], study_type: str | None) -> str:
    if not phases or phases == ["NA"]:
        if study_type == "OBSERVATIONAL":
            return "not applicable (observational study)"
        return "not applicable"
    return "/".join(_PHASES.get(p, p.lower().replace("_", " ")) for p in phases)


def _time_unit(text: str | None) -> str | None:
    return _TIME_UNITS.get(_normal(text))


def _time_unit_in(text: str | None) -> str | None:
    for word in _normal(text).split():
        if word in _TIME_UNITS:
            return _TIME_UNITS[word]
    return None


def _ci_level(dispersion: str | None) -> float | None:
    """0.95 for "95% Confidence Interval" or "CONFIDENCE_INTERVAL_95"."""
    if not dispersion or "confidence" not in dispersion.casefold():
        return None
    match = re.search(r"(\d+(?:\.\d+)?)", dispersion)
    if not match:
        return None
    level = float(match.group(1)) / 100
    return round(level, 6) if 0 < level < 1 else None


def _words(dispersion: str | None) -> str | None:
    if not dispersion:
        return None
    return dispersion.replace("_", " ").lower()


def _clause(text: str) -> str:
    """A sentence as a clause of a longer one: without its final full stop."""
    return text.rstrip(". ")


def _participants_index(denoms: list) -> int:
    for i, denom in enumerate(denoms):
        if isinstance(denom, Mapping) and _normal(str(denom.get("units", ""))) == "participants":
            return i
    return 0


def _widen_decimals(measure: dict, *limits: _Number) -> None:
    """Decimals as printed cover the value and its limits (the most precise of them)."""
    known = [measure.get("decimals")] + [n.decimals for n in limits]
    if any(d is None for d in known):
        measure.pop("decimals", None)
    else:
        measure["decimals"] = max(known)


def _single_values(om: dict) -> dict[str, dict]:
    """Group id -> its value, when the measure has one class and one category."""
    cells = om["values"]
    keys = {(v["class_label"], v["category"]) for v in cells}
    if len(keys) != 1:
        return {}
    out: dict[str, dict] = {}
    for value in cells:
        if value["group"] in out:
            return {}
        out[value["group"]] = value
    return out


def _is_iso_date(text: str) -> bool:
    return bool(re.match(r"^\d{4}-\d{2}-\d{2}$", text))
