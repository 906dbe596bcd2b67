"""Writing evidence files: whole evidence as JSON data, figures added to a file, atomically.

:func:`evidence_to_dict` turns an :class:`Evidence` back into the JSON data of an evidence
file (``from_dict(evidence_to_dict(ev), origin=ev.origin) == ev``); the user's library
stores evidence through it.

An evidence file is the analyst's record, so saving must never leave it half written:
:func:`write_json_atomic` writes a temporary file beside the target, forces it to disk and
renames it over the target in one step (``os.replace``), so a crash or a full disk leaves
either the old file or the new one, never a mixture. :func:`save_with_km_figures` starts
from the JSON the evidence was read from (not from the model, which does not keep the
file's every detail), replaces its ``km_figures`` and checks the result by loading it
before anything is written. The bundled PALMIRA file is read-only and is never written.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from explorer import resources
from explorer.evidence.errors import EvidenceError
from explorer.evidence.load import from_dict, parse_json
from explorer.evidence.model import (
    AdverseEvent,
    BaselineCharacteristic,
    Design,
    Document,
    Effect,
    Endpoint,
    Evidence,
    KmFigure,
    Measure,
    OutcomeMeasure,
    Population,
    Proportion,
    Source,
    TimeToEventEndpoint,
    Trial,
)
from explorer.evidence.validate import SUPPORTED_VERSIONS, minimum_version

__all__ = [
    "evidence_to_dict",
    "format_json",
    "km_figure_to_dict",
    "save_with_km_figures",
    "write_json_atomic",
]

# Arrays of numbers (a curve's times) are written several to a line, up to this width.
_LINE_WIDTH = 100


def km_figure_to_dict(figure: KmFigure) -> dict[str, Any]:
    """Return a figure as the JSON data of one ``km_figures`` entry.

    Optional fields that are None (``stratum``, ``total_events``, ``note``, the
    digitisation's ``date`` and ``note``) are left out, as a hand-written file would.

    Examples
    --------
    >>> from explorer.evidence import Digitisation, KmCurve, KmFigure, RiskTable, Source
    >>> figure = KmFigure(
    ...     id="pfs_km", endpoint="pfs", label="Figure 2", time_unit="months",
    ...     source=Source("paper", "Results", "Figure 2. Progression-free survival"),
    ...     digitisation=Digitisation("by hand"),
    ...     curves=(KmCurve("new", None, (0.0, 6.0), (1.0, 0.6)),),
    ...     risk_tables=(RiskTable("new", None, (0.0, 6.0), (150, 80)),))
    >>> km_figure_to_dict(figure)["curves"]
    [{'arm': 'new', 'time': [0.0, 6.0], 'survival': [1.0, 0.6]}]
    """
    digitisation: dict[str, Any] = {
        "tool": figure.digitisation.tool,
        "files": list(figure.digitisation.files),
    }
    _put(digitisation, "date", figure.digitisation.date)
    _put(digitisation, "note", figure.digitisation.note)
    out: dict[str, Any] = {
        "id": figure.id,
        "endpoint": figure.endpoint,
        "label": figure.label,
        "time_unit": figure.time_unit,
        "source": {
            "document": figure.source.document,
            "section": figure.source.section,
            "quote": figure.source.quote,
        },
        "digitisation": digitisation,
        "curves": [],
        "risk_tables": [],
    }
    for curve in figure.curves:
        entry: dict[str, Any] = {"arm": curve.arm}
        _put(entry, "stratum", curve.stratum)
        entry["time"] = [float(t) for t in curve.time]
        entry["survival"] = [float(s) for s in curve.survival]
        _put(entry, "total_events", curve.total_events)
        out["curves"].append(entry)
    for table in figure.risk_tables:
        entry = {"arm": table.arm}
        _put(entry, "stratum", table.stratum)
        entry["time"] = [float(t) for t in table.time]
        entry["at_risk"] = [int(n) for n in table.at_risk]
        out["risk_tables"].append(entry)
    _put(out, "note", figure.note)
    return out


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


# --- the whole evidence ------------------------------------------------------------


def evidence_to_dict(ev: Evidence) -> dict[str, Any]:
    """Return the evidence as the JSON data of an evidence file.

    The inverse of :func:`explorer.evidence.from_dict`: for evidence read from a valid
    file, ``from_dict(evidence_to_dict(ev), origin=ev.origin) == ev`` (``origin`` is where
    the evidence came from, not part of the file). Optional fields that are None or empty
    are left out, as a hand-written file would; the design's calculation (allocation
    ratio, primary endpoint, sides, alpha, power, hypothesised HR) is always written,
    null when not reported. Whole numbers are written without a decimal point.

    The data declares the evidence's ``schema_version``, or the oldest version that can
    hold it when that is later (see :func:`explorer.evidence.validate.minimum_version`):
    evidence built in code with a format 1.2 field never claims an older format.

    Parameters
    ----------
    ev : Evidence
        The evidence to write.

    Returns
    -------
    dict
        Plain JSON data (dicts, lists, strings, numbers, None), fresh on every call.
    """
    out: dict[str, Any] = {
        "schema_version": ev.schema_version,
        "trial": _trial(ev.trial),
        "documents": [_document(d) for d in ev.documents],
        "data_cut": {
            "label": ev.data_cut.label,
            "date": ev.data_cut.date,
            "document": ev.data_cut.document,
        },
        "arms": [
            {"id": a.id, "label": a.label, "description": a.description, "role": a.role}
            for a in ev.arms
        ],
        "populations": [_population(p) for p in ev.populations],
        "design": _design(ev.design),
        "endpoints": [_endpoint(e) for e in ev.endpoints],
    }
    _put(out["data_cut"], "note", ev.data_cut.note)
    if ev.km_figures:
        out["km_figures"] = [km_figure_to_dict(f) for f in ev.km_figures]
    if ev.outcome_measures:
        out["outcome_measures"] = [_outcome_measure(m) for m in ev.outcome_measures]
    if ev.adverse_events:
        out["adverse_events"] = [_adverse_event(a) for a in ev.adverse_events]
    if ev.baseline:
        out["baseline"] = [_baseline(b) for b in ev.baseline]
    if ev.eligibility:
        out["eligibility"] = []
        for criterion in ev.eligibility:
            entry = {
                "id": criterion.id,
                "label": criterion.label,
                "threshold": _measure(criterion.threshold),
            }
            _put(entry, "note", criterion.note)
            out["eligibility"].append(entry)
    if ev.notes:
        out["notes"] = list(ev.notes)
    out["schema_version"] = _later_version(ev.schema_version, minimum_version(out))
    return out


def _later_version(declared: Any, needed: str) -> Any:
    """``needed`` when it is later than ``declared``; an unknown ``declared`` is kept."""
    if declared not in SUPPORTED_VERSIONS:
        return declared  # the validator says what is wrong with it
    return (
        needed
        if SUPPORTED_VERSIONS.index(needed) > SUPPORTED_VERSIONS.index(declared)
        else declared
    )


def _num(x: float) -> float | int:
    """A whole number as an int (198, not 198.0), as a person would write it."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 2**53:
        return int(x)
    return x


def _source_dict(source: Source) -> dict[str, str]:
    return {"document": source.document, "section": source.section, "quote": source.quote}


def _measure(m: Measure) -> dict[str, Any]:
    out: dict[str, Any] = {"value": _num(m.value)}
    if m.lower is not None and m.upper is not None:
        out["lower"], out["upper"] = _num(m.lower), _num(m.upper)
    if m.level is not None:
        out["level"] = _num(m.level)
    _put(out, "unit", m.unit)
    _put(out, "decimals", m.decimals)
    _put(out, "qualifier", m.qualifier)
    if m.range is not None:
        out["range"] = [_num(m.range[0]), _num(m.range[1])]
    out["status"] = m.status
    if m.source is not None:
        out["source"] = _source_dict(m.source)
    _put(out, "derivation", m.derivation)
    return out


def _maybe_measure(m: Measure | None) -> dict[str, Any] | None:
    return None if m is None else _measure(m)


def _by_arm(mapping: Mapping[str, Measure]) -> dict[str, Any]:
    return {arm: _measure(m) for arm, m in mapping.items()}


def _proportion(p: Proportion) -> dict[str, Any]:
    return {
        "percent": _maybe_measure(p.percent),
        "count": _maybe_measure(p.count),
        "denominator": _maybe_measure(p.denominator),
    }


def _trial(t: Trial) -> dict[str, Any]:
    citation: dict[str, Any] = {"text": t.citation.text, "doi": t.citation.doi}
    _put(citation, "url", t.citation.url)
    out: dict[str, Any] = {
        "registry_id": t.registry_id,
        "acronym": t.acronym,
        "title": t.title,
        "phase": t.phase,
        "setting": t.setting,
        "population": t.population,
        "citation": citation,
    }
    _put(out, "note", t.note)
    if t.context:
        out["context"] = dict(t.context)
    return out


def _document(d: Document) -> dict[str, Any]:
    out: dict[str, Any] = {"id": d.id, "kind": d.kind, "title": d.title, "citation": d.citation}
    for key in ("doi", "url", "date", "note"):
        _put(out, key, getattr(d, key))
    return out


def _population(p: Population) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": p.id,
        "kind": p.kind,
        "label": p.label,
        "total": _maybe_measure(p.total),
        "by_arm": _by_arm(p.by_arm),
    }
    _put(out, "note", p.note)
    return out


def _design(d: Design) -> dict[str, Any]:
    out: dict[str, Any] = {
        "allocation": {arm: _num(w) for arm, w in d.allocation.items()},
        "allocation_ratio": _maybe_measure(d.allocation_ratio),
        "stratification_factors": list(d.stratification_factors),
        "primary_endpoint": d.primary_endpoint,
    }
    _put(out, "primary_assessment", d.primary_assessment)
    _put(out, "response_criteria", d.response_criteria)
    out["secondary_endpoints"] = list(d.secondary_endpoints)
    _put(out, "test", d.test)
    out["sides"] = d.sides
    out["alpha"] = _maybe_measure(d.alpha)
    out["power"] = _maybe_measure(d.power)
    out["hypothesised_hr"] = _maybe_measure(d.hypothesised_hr)
    if d.accrual is not None:
        accrual: dict[str, Any] = {"start": d.accrual.start, "end": d.accrual.end}
        if d.accrual.source is not None:
            accrual["source"] = _source_dict(d.accrual.source)
        out["accrual"] = accrual
    _put(out, "median_follow_up", _maybe_measure(d.median_follow_up))
    _put(out, "events_at_analysis", _maybe_measure(d.events_at_analysis))
    _put(out, "masking", d.masking)
    return out


def _effect(e: Effect) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": e.kind}
    _put(out, "label", e.label)
    _put(out, "treatment", e.treatment)
    _put(out, "control", e.control)
    out["estimate"] = _measure(e.estimate)
    _put(out, "p", _maybe_measure(e.p))
    _put(out, "test", e.test)
    _put(out, "note", e.note)
    return out


def _endpoint(ep: Endpoint) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": ep.id,
        "kind": ep.kind,
        "name": ep.name,
        "role": ep.role,
        "population": ep.population,
    }
    if isinstance(ep, TimeToEventEndpoint):
        _put(out, "assessment", ep.assessment)
        out["unit"] = ep.unit
        out["medians"] = _by_arm(ep.medians)
        if ep.landmarks:
            out["landmarks"] = [
                {"time": _num(lm.time), "unit": lm.unit, "by_arm": _by_arm(lm.by_arm)}
                for lm in ep.landmarks
            ]
        if ep.effect is not None:
            out["effect"] = _effect(ep.effect)
        if ep.other_effects:
            out["other_effects"] = [_effect(e) for e in ep.other_effects]
        _put(out, "events", _maybe_measure(ep.events))
    else:
        out["by_arm"] = {arm: _proportion(p) for arm, p in ep.by_arm.items()}
    _put(out, "note", ep.note)
    return out


def _adverse_event(ae: AdverseEvent) -> dict[str, Any]:
    out: dict[str, Any] = {"id": ae.id, "term": ae.term, "grade": ae.grade}
    _put(out, "category", ae.category)
    _put(out, "organ_system", ae.organ_system)
    out["population"] = ae.population
    if ae.overall is not None:
        out["overall"] = _proportion(ae.overall)
    out["by_arm"] = {arm: _proportion(p) for arm, p in ae.by_arm.items()}
    _put(out, "note", ae.note)
    return out


def _baseline(item: BaselineCharacteristic) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.id, "label": item.label, "population": item.population}
    _put(out, "overall", _maybe_measure(item.overall))
    if item.by_arm:
        out["by_arm"] = _by_arm(item.by_arm)
    _put(out, "note", item.note)
    return out


def _outcome_measure(om: OutcomeMeasure) -> dict[str, Any]:
    out: dict[str, Any] = {"id": om.id, "title": om.title, "role": om.role}
    for key in (
        "description",
        "time_frame",
        "population_description",
        "param_type",
        "dispersion",
        "unit",
    ):
        _put(out, key, getattr(om, key))
    out["groups"] = []
    for group in om.groups:
        entry: dict[str, Any] = {"id": group.id, "label": group.label}
        _put(entry, "description", group.description)
        entry["arm"] = group.arm  # null says: matched to no arm
        _put(entry, "n", _maybe_measure(group.n))
        out["groups"].append(entry)
    out["values"] = []
    for value in om.values:
        entry = {"group": value.group}
        _put(entry, "class_label", value.class_label)
        _put(entry, "category", value.category)
        entry["measure"] = _maybe_measure(value.measure)  # null: "NA" in the record
        for key in ("spread", "lower", "upper"):
            x = getattr(value, key)
            _put(entry, key, None if x is None else _num(x))
        _put(entry, "comment", value.comment)
        out["values"].append(entry)
    out["analyses"] = []
    for analysis in om.analyses:
        entry = {"groups": list(analysis.groups)}
        _put(entry, "group_description", analysis.group_description)
        _put(entry, "estimate_name", analysis.estimate_name)
        _put(entry, "estimate", _maybe_measure(analysis.estimate))
        _put(entry, "ci_sides", analysis.ci_sides)
        _put(entry, "p", _maybe_measure(analysis.p))
        for key in ("method", "non_inferiority", "note"):
            _put(entry, key, getattr(analysis, key))
        out["analyses"].append(entry)
    if om.source is not None:
        out["source"] = _source_dict(om.source)
    return out


def write_json_atomic(path: str | os.PathLike, data: Any) -> None:
    """Write ``data`` as UTF-8 JSON to ``path``, replacing it in one step.

    The text goes to a temporary file in the same folder, which is flushed and synced to
    disk, then renamed over ``path`` with :func:`os.replace` (atomic on POSIX and Windows
    within one file system); the folder is synced too, so the rename survives a crash.
    If anything fails, the temporary file is removed and ``path`` is left as it was.
    A symbolic link is followed: the file it points to is replaced, the link kept. An
    existing file keeps its permissions; a new one gets the usual ones (0666 minus umask).

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    data : JSON-compatible object
        Dicts, lists, strings, finite numbers, booleans and None; NaN and infinity are
        refused (they are not JSON). Written as :func:`format_json` lays it out.

    Raises
    ------
    ValueError
        If ``data`` cannot be written as strict JSON (nothing is written).
    OSError
        If the folder is not writable, the disk is full, ... (``path`` is unchanged).
    """
    target = Path(os.path.realpath(path))
    text = format_json(data)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, _mode_for(target))
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _sync_folder(target.parent)


def format_json(data: Any) -> str:
    """Lay out JSON for people: two-space indents, arrays of numbers packed into lines.

    Objects and arrays of objects get one item per line as ``json.dumps(indent=2)``
    gives them; an array holding only numbers, strings, booleans or null (a curve's
    hundreds of times) is packed several items to a line, up to 100 characters, instead
    of one per line. The text ends with a newline and is strict JSON (``NaN`` refused).

    Examples
    --------
    >>> print(format_json({"time": [0.0, 1.5, 3.0], "arm": "new"}), end="")
    {
      "time": [0.0, 1.5, 3.0],
      "arm": "new"
    }
    """
    return _layout(data, 0) + "\n"


def _scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _layout(value: Any, depth: int) -> str:
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [f"{inner}{_scalar(str(k))}: {_layout(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        if any(isinstance(item, Mapping | list | tuple) for item in value):
            items = [inner + _layout(item, depth + 1) for item in value]
            return "[\n" + ",\n".join(items) + "\n" + pad + "]"
        cells = [_scalar(item) for item in value]
        one_line = "[" + ", ".join(cells) + "]"
        if len(pad) + len(one_line) + 30 <= _LINE_WIDTH:  # room for the key before it
            return one_line
        lines, line = [], ""
        for cell in cells:
            if line and len(inner) + len(line) + len(cell) + 3 > _LINE_WIDTH:  # ", " and ","
                lines.append(line + ",")
                line = ""
            line = f"{line}, {cell}" if line else cell
        lines.append(line)
        return "[\n" + "\n".join(inner + text for text in lines) + "\n" + pad + "]"
    return _scalar(value)


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows cannot open a folder this way)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _bundled_folder() -> Path:
    return resources.path(resources.PALMIRA).resolve().parents[1]


def _is_bundled(path: str | os.PathLike) -> bool:
    try:
        resolved = Path(os.path.realpath(path))
    except (OSError, ValueError):
        return False
    return resolved.is_relative_to(_bundled_folder())


def _original_json(evidence: Evidence) -> Mapping:
    """The JSON data of the file ``evidence`` was read from."""
    origin = evidence.origin
    if origin.startswith("<"):
        raise EvidenceError(
            origin,
            "",
            "the evidence was not read from a file, so there is no file to add figures to;"
            " open the evidence file first",
        )
    if _is_bundled(origin):
        text = resources.read_text(resources.PALMIRA)
    else:
        try:
            text = Path(origin).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise EvidenceError(
                origin, "", "file not found (moved or deleted since it was opened)"
            ) from None
        except UnicodeDecodeError as exc:
            raise EvidenceError(
                origin, "", f"not UTF-8 text (undecodable byte at offset {exc.start})"
            ) from None
        except OSError as exc:
            raise EvidenceError(origin, "", f"cannot be read: {exc.strerror or exc}") from None
    data = parse_json(text, origin=origin)
    if not isinstance(data, Mapping):
        raise EvidenceError(origin, "", "must be an object")
    return data


def save_with_km_figures(evidence: Evidence, path: str | os.PathLike) -> Evidence:
    """Save the evidence's file with its digitised Kaplan–Meier figures, atomically.

    Starts from the JSON the evidence was read from (``evidence.origin``; the bundled
    PALMIRA resource when it came from there), replaces its ``km_figures`` with
    ``evidence.km_figures`` (kept after ``endpoints``), declares the oldest schema_version
    that holds the result when that is later than the file's own ("1.1" for a 1.0 file
    given figures; a 1.1 or 1.2 file keeps its version), loads the result to check it,
    and only then writes it with :func:`write_json_atomic`. Everything but the figures
    comes from the file as it is on disk now; the file is rewritten with two-space
    indentation.

    Parameters
    ----------
    evidence : Evidence
        Evidence read from a file, with the figures to save (see
        :func:`explorer.evidence.digitised.with_km_figure`).
    path : str or os.PathLike
        Where to write: the same file to save in place, or a new one.

    Returns
    -------
    Evidence
        The evidence as loaded from the data written, ``origin`` set to ``path``.

    Raises
    ------
    EvidenceError
        If ``path`` is the bundled (read-only) evidence, the original file cannot be read,
        or the result would not be a valid evidence file; nothing is written.
    OSError
        If writing fails; the file at ``path`` is left as it was.
    """
    target = os.fspath(path)
    if _is_bundled(target):
        raise EvidenceError(
            target,
            "",
            "is the bundled evidence, which is read-only: save the figures to a file of your own",
        )
    data = dict(_original_json(evidence))
    data.pop("km_figures", None)
    if evidence.km_figures:
        figures = [km_figure_to_dict(figure) for figure in evidence.km_figures]
        data = _insert_after(data, "endpoints", "km_figures", figures)
    if "schema_version" in data:
        data["schema_version"] = _later_version(data["schema_version"], minimum_version(data))
    saved = from_dict(data, origin=target)  # raises before anything is written
    write_json_atomic(target, data)
    return saved


def _insert_after(data: Mapping, after: str, key: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, item in data.items():
        out[name] = item
        if name == after:
            out[key] = value
    out.setdefault(key, value)
    return out
