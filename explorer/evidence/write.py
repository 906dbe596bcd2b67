"""Writing evidence files: digitised Kaplan–Meier figures added to a file, atomically.

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
from explorer.evidence.model import Evidence, KmFigure
from explorer.evidence.validate import SCHEMA_VERSION

__all__ = ["format_json", "km_figure_to_dict", "save_with_km_figures", "write_json_atomic"]

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
    ``evidence.km_figures`` (kept after ``endpoints``), declares schema_version "1.1"
    when there are figures, loads the result to check it, and only then writes it with
    :func:`write_json_atomic`. Everything but the figures comes from the file as it is
    on disk now; the file is rewritten with two-space indentation.

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
        if data.get("schema_version") == "1.0":
            data["schema_version"] = SCHEMA_VERSION
        figures = [km_figure_to_dict(figure) for figure in evidence.km_figures]
        data = _insert_after(data, "endpoints", "km_figures", figures)
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
