"""Reading evidence files into :class:`~explorer.evidence.model.Evidence`.

Every failure, from a missing file to a median outside its interval, is raised as one
:class:`~explorer.evidence.errors.EvidenceError` naming the file, the place and the
problem. Parsing is plain :mod:`json` (no eval, no pickle), strict about what JSON
allows: duplicate keys and NaN/Infinity are errors, not silently accepted.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from explorer import resources
from explorer.evidence.errors import EvidenceError
from explorer.evidence.model import (
    Accrual,
    AdverseEvent,
    Arm,
    BaselineCharacteristic,
    BinaryEndpoint,
    Citation,
    DataCut,
    Design,
    Digitisation,
    Document,
    Effect,
    EligibilityCriterion,
    Endpoint,
    Evidence,
    KmCurve,
    KmFigure,
    Landmark,
    Measure,
    OutcomeAnalysis,
    OutcomeGroup,
    OutcomeMeasure,
    OutcomeValue,
    Population,
    Proportion,
    RiskTable,
    Source,
    TimeToEventEndpoint,
    Trial,
)
from explorer.evidence.validate import MAX_DEPTH, structure_problems, validate

__all__ = ["MAX_BYTES", "from_dict", "load", "load_bundled", "loads", "parse_json", "too_large"]


#: Larger files are refused before they are read (the largest real registry record
#: seen, with 679 serious-event terms, is a few megabytes).
MAX_BYTES = 50 * 1024 * 1024


def too_large(size: int) -> str:
    """The problem reported for a file of ``size`` bytes above :data:`MAX_BYTES`."""
    return (
        f"the file is {size / 2**20:.0f} MB; files over {MAX_BYTES // 2**20} MB are"
        " not read (no evidence file or registry record is that large)"
    )


class _JsonProblem(ValueError):
    """A JSON text that parses but is not plain JSON (duplicate key, NaN)."""


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _JsonProblem(f"duplicate key {key!r} in one JSON object")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise _JsonProblem(f"{name} is not allowed in JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _JsonProblem(f"number {_shorten(text)} is too large")
    return value


def _bounded_int(text: str) -> int:
    # float() reads any length; int() refuses more than 4300 digits with a ValueError,
    # and an integer beyond the float range would overflow where it is used.
    if not math.isfinite(float(text)):
        raise _JsonProblem(f"number {_shorten(text)} is too large")
    return int(text)


def _shorten(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:12]}...{text[-6:]} ({len(text)} characters)"


def load(path: str | os.PathLike) -> Evidence:
    """Read and validate an evidence file (UTF-8 JSON).

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.

    Returns
    -------
    Evidence
        The validated evidence, with ``origin`` set to ``path`` as given.

    Raises
    ------
    EvidenceError
        If the file cannot be read, is larger than :data:`MAX_BYTES` (refused before it
        is read), is not UTF-8 JSON, or breaks the schema or the semantic rules; the
        error names the file, the place and the problem.
    """
    origin = os.fspath(path)
    return loads(read_text(path), origin=origin)


def read_text(path: str | os.PathLike) -> str:
    """The UTF-8 text of ``path``; files over :data:`MAX_BYTES` are refused unread.

    The one place every file reader (evidence, registry records) opens a file, so they
    all refuse the same files with the same words.

    Raises
    ------
    EvidenceError
        Naming the file: not found, a folder, too large, not UTF-8, unreadable.
    """
    origin = os.fspath(path)
    try:
        size = os.stat(path).st_size
        if size > MAX_BYTES:
            raise EvidenceError(origin, "", too_large(size))
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        raise EvidenceError(origin, "", "file not found") from None
    except IsADirectoryError:
        raise EvidenceError(origin, "", "is a folder, not a file") from None
    except UnicodeDecodeError as exc:
        raise EvidenceError(
            origin, "", f"not UTF-8 text (undecodable byte at offset {exc.start})"
        ) from None
    except OSError as exc:
        raise EvidenceError(origin, "", f"cannot be read: {exc.strerror or exc}") from None


def loads(text: str, *, origin: str = "<string>") -> Evidence:
    """Parse and validate evidence from a JSON string.

    Parameters
    ----------
    text : str
        The JSON text.
    origin : str, optional
        What to call the text in errors and in :attr:`Evidence.origin`.

    Raises
    ------
    EvidenceError
        If the text is not JSON (the problem gives line and column) or is invalid.
    """
    return from_dict(parse_json(text, origin=origin), origin=origin)


def parse_json(text: str, *, origin: str = "<string>") -> Any:
    """Parse JSON text strictly, without validating it as evidence.

    Duplicate keys in one object, ``NaN`` and ``Infinity``, numbers beyond the float
    range and nesting deeper than :data:`~explorer.evidence.validate.MAX_DEPTH` are
    errors, as in :func:`loads` (which uses it); the writer uses it to re-read a file
    before adding to it.

    Raises
    ------
    EvidenceError
        If the text is not strict JSON; the problem gives line and column.
    """
    try:
        data = json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_no_constants,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except json.JSONDecodeError as exc:
        raise EvidenceError(
            origin, "", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except _JsonProblem as exc:
        raise EvidenceError(origin, "", f"not valid JSON: {exc}") from None
    except RecursionError:
        # The parser recurses once per level; thousands of levels exhaust the stack.
        raise EvidenceError(
            origin,
            "",
            f"cannot be read: arrays and objects nested thousands of levels deep (no"
            f" evidence file or registry record nests more than {MAX_DEPTH} levels)",
        ) from None
    problems = structure_problems(data)
    if problems:
        path, problem = problems[0]
        raise EvidenceError(origin, path, problem, problems=problems)
    return data


def from_dict(data: Mapping, *, origin: str = "<dict>") -> Evidence:
    """Validate parsed JSON data and build the :class:`Evidence`.

    Parameters
    ----------
    data : mapping
        Parsed JSON: dicts, lists, strings, numbers, booleans and None.
    origin : str, optional
        What to call the data in errors and in :attr:`Evidence.origin`.

    Raises
    ------
    EvidenceError
        With the most relevant problem; ``error.problems`` holds all of them.
    """
    problems = validate(data)
    if problems:
        path, problem = problems[0]
        raise EvidenceError(origin, path, problem, problems=problems)
    return _evidence(data, origin)


def load_bundled() -> Evidence:
    """Load the bundled PALMIRA evidence (ASCO 2023 abstract)."""
    return load(resources.path(resources.PALMIRA))


# --- building the model from validated data ------------------------------------------


def _source(d: Mapping | None) -> Source | None:
    if d is None:
        return None
    return Source(document=d["document"], section=d["section"], quote=d["quote"])


def _measure(d: Mapping) -> Measure:
    range_ = d.get("range")
    return Measure(
        value=float(d["value"]),
        status=d["status"],
        unit=d.get("unit"),
        lower=_float(d.get("lower")),
        upper=_float(d.get("upper")),
        level=_float(d.get("level")),
        decimals=int(d["decimals"]) if d.get("decimals") is not None else None,
        qualifier=d.get("qualifier"),
        range=(float(range_[0]), float(range_[1])) if range_ is not None else None,
        source=_source(d.get("source")),
        derivation=d.get("derivation"),
    )


def _float(x: float | None) -> float | None:
    return None if x is None else float(x)


def _maybe_measure(d: Mapping | None) -> Measure | None:
    return None if d is None else _measure(d)


def _measures(d: Mapping | None) -> Mapping[str, Measure]:
    return MappingProxyType({arm: _measure(m) for arm, m in (d or {}).items()})


def _proportion(d: Mapping) -> Proportion:
    return Proportion(
        percent=_maybe_measure(d.get("percent")),
        count=_maybe_measure(d.get("count")),
        denominator=_maybe_measure(d.get("denominator")),
    )


def _proportions(d: Mapping) -> Mapping[str, Proportion]:
    return MappingProxyType({arm: _proportion(p) for arm, p in d.items()})


def _trial(d: Mapping) -> Trial:
    citation = d["citation"]
    return Trial(
        registry_id=d["registry_id"],
        acronym=d["acronym"],
        title=d["title"],
        phase=d["phase"],
        setting=d["setting"],
        population=d["population"],
        citation=Citation(text=citation["text"], doi=citation.get("doi"), url=citation.get("url")),
        note=d.get("note"),
        context=MappingProxyType(dict(d.get("context") or {})),
    )


def _document(d: Mapping) -> Document:
    return Document(
        id=d["id"],
        kind=d["kind"],
        title=d["title"],
        citation=d["citation"],
        doi=d.get("doi"),
        url=d.get("url"),
        date=d.get("date"),
        note=d.get("note"),
    )


def _population(d: Mapping) -> Population:
    return Population(
        id=d["id"],
        kind=d["kind"],
        label=d["label"],
        total=_maybe_measure(d["total"]),
        by_arm=_measures(d["by_arm"]),
        note=d.get("note"),
    )


def _design(d: Mapping) -> Design:
    # Format 1.2 lets the calculation be null or left out; 1.0 and 1.1 always give it.
    accrual = d.get("accrual")
    sides = d.get("sides")
    return Design(
        allocation_ratio=_maybe_measure(d.get("allocation_ratio")),
        stratification_factors=tuple(d["stratification_factors"]),
        primary_endpoint=d.get("primary_endpoint"),
        primary_assessment=d.get("primary_assessment"),
        response_criteria=d.get("response_criteria"),
        secondary_endpoints=tuple(d["secondary_endpoints"]),
        test=d.get("test"),
        sides=None if sides is None else int(sides),
        alpha=_maybe_measure(d.get("alpha")),
        power=_maybe_measure(d.get("power")),
        hypothesised_hr=_maybe_measure(d.get("hypothesised_hr")),
        accrual=(
            None
            if accrual is None
            else Accrual(accrual["start"], accrual["end"], _source(accrual.get("source")))
        ),
        median_follow_up=_maybe_measure(d.get("median_follow_up")),
        events_at_analysis=_maybe_measure(d.get("events_at_analysis")),
        allocation=MappingProxyType({arm: float(w) for arm, w in d["allocation"].items()}),
        masking=d.get("masking"),
    )


def _effect(d: Mapping) -> Effect:
    return Effect(
        kind=d["kind"],
        estimate=_measure(d["estimate"]),
        p=_maybe_measure(d.get("p")),
        test=d.get("test"),
        note=d.get("note"),
        treatment=d.get("treatment"),
        control=d.get("control"),
        label=d.get("label"),
    )


def _endpoint(d: Mapping) -> Endpoint:
    if d["kind"] == "binary":
        return BinaryEndpoint(
            id=d["id"],
            name=d["name"],
            role=d["role"],
            population=d["population"],
            by_arm=_proportions(d["by_arm"]),
            note=d.get("note"),
        )
    effect = d.get("effect")
    return TimeToEventEndpoint(
        id=d["id"],
        name=d["name"],
        role=d["role"],
        population=d["population"],
        assessment=d.get("assessment"),
        unit=d["unit"],
        medians=_measures(d["medians"]),
        landmarks=tuple(
            Landmark(time=float(lm["time"]), unit=lm["unit"], by_arm=_measures(lm["by_arm"]))
            for lm in d.get("landmarks", ())
        ),
        effect=None if effect is None else _effect(effect),
        events=_maybe_measure(d.get("events")),
        note=d.get("note"),
        other_effects=tuple(_effect(e) for e in d.get("other_effects", ())),
    )


def _adverse_event(d: Mapping) -> AdverseEvent:
    overall = d.get("overall")
    return AdverseEvent(
        id=d["id"],
        term=d["term"],
        grade=d["grade"],
        category=d.get("category"),
        population=d["population"],
        by_arm=_proportions(d["by_arm"]),
        note=d.get("note"),
        overall=None if overall is None else _proportion(overall),
        organ_system=d.get("organ_system"),
    )


def _baseline(d: Mapping) -> BaselineCharacteristic:
    return BaselineCharacteristic(
        id=d["id"],
        label=d["label"],
        population=d["population"],
        overall=_maybe_measure(d.get("overall")),
        by_arm=_measures(d.get("by_arm")),
        note=d.get("note"),
    )


def _km_figure(d: Mapping) -> KmFigure:
    digitisation = d["digitisation"]
    return KmFigure(
        id=d["id"],
        endpoint=d["endpoint"],
        label=d["label"],
        time_unit=d["time_unit"],
        source=_source(d["source"]),
        digitisation=Digitisation(
            tool=digitisation["tool"],
            files=tuple(digitisation.get("files", ())),
            date=digitisation.get("date"),
            note=digitisation.get("note"),
        ),
        curves=tuple(
            KmCurve(
                arm=c["arm"],
                stratum=c.get("stratum"),
                time=tuple(float(t) for t in c["time"]),
                survival=tuple(float(s) for s in c["survival"]),
                total_events=None if c.get("total_events") is None else int(c["total_events"]),
            )
            for c in d["curves"]
        ),
        risk_tables=tuple(
            RiskTable(
                arm=r["arm"],
                stratum=r.get("stratum"),
                time=tuple(float(t) for t in r["time"]),
                at_risk=tuple(int(n) for n in r["at_risk"]),
            )
            for r in d["risk_tables"]
        ),
        note=d.get("note"),
    )


def _outcome_measure(d: Mapping) -> OutcomeMeasure:
    return OutcomeMeasure(
        id=d["id"],
        title=d["title"],
        role=d["role"],
        description=d.get("description"),
        time_frame=d.get("time_frame"),
        population_description=d.get("population_description"),
        param_type=d.get("param_type"),
        dispersion=d.get("dispersion"),
        unit=d.get("unit"),
        groups=tuple(
            OutcomeGroup(
                id=g["id"],
                label=g["label"],
                description=g.get("description"),
                arm=g.get("arm"),
                n=_maybe_measure(g.get("n")),
            )
            for g in d["groups"]
        ),
        values=tuple(
            OutcomeValue(
                group=v["group"],
                class_label=v.get("class_label"),
                category=v.get("category"),
                measure=_maybe_measure(v.get("measure")),
                spread=_float(v.get("spread")),
                lower=_float(v.get("lower")),
                upper=_float(v.get("upper")),
                comment=v.get("comment"),
            )
            for v in d.get("values", ())
        ),
        analyses=tuple(
            OutcomeAnalysis(
                groups=tuple(a["groups"]),
                group_description=a.get("group_description"),
                estimate_name=a.get("estimate_name"),
                estimate=_maybe_measure(a.get("estimate")),
                ci_sides=None if a.get("ci_sides") is None else int(a["ci_sides"]),
                p=_maybe_measure(a.get("p")),
                method=a.get("method"),
                non_inferiority=a.get("non_inferiority"),
                note=a.get("note"),
            )
            for a in d.get("analyses", ())
        ),
        source=_source(d.get("source")),
    )


def _evidence(d: Mapping, origin: str) -> Evidence:
    data_cut = d["data_cut"]
    return Evidence(
        schema_version=d["schema_version"],
        trial=_trial(d["trial"]),
        documents=tuple(_document(x) for x in d["documents"]),
        data_cut=DataCut(
            label=data_cut["label"],
            date=data_cut["date"],
            document=data_cut["document"],
            note=data_cut.get("note"),
        ),
        arms=tuple(
            Arm(id=a["id"], label=a["label"], description=a["description"], role=a["role"])
            for a in d["arms"]
        ),
        populations=tuple(_population(x) for x in d["populations"]),
        design=_design(d["design"]),
        endpoints=tuple(_endpoint(x) for x in d["endpoints"]),
        adverse_events=tuple(_adverse_event(x) for x in d.get("adverse_events", ())),
        baseline=tuple(_baseline(x) for x in d.get("baseline", ())),
        notes=tuple(d.get("notes", ())),
        origin=origin,
        eligibility=tuple(
            EligibilityCriterion(
                id=c["id"],
                label=c["label"],
                threshold=_measure(c["threshold"]),
                note=c.get("note"),
            )
            for c in d.get("eligibility", ())
        ),
        km_figures=tuple(_km_figure(f) for f in d.get("km_figures", ())),
        outcome_measures=tuple(_outcome_measure(m) for m in d.get("outcome_measures", ())),
    )
