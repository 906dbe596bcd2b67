"""The evidence of a trial: file format, validation and immutable domain model.

>>> from explorer import evidence
>>> ev = evidence.load_bundled()
>>> ev.trial.acronym, ev.primary_endpoint.effect.estimate.value
('PALMIRA', 0.8)

Read with :func:`load` (a file), :func:`loads` (a JSON string), :func:`from_dict`
(parsed JSON) or :func:`load_bundled` (the PALMIRA evidence shipped with the app);
check without building with :func:`validate`. Every failure is an
:class:`EvidenceError` that names the file, the place in it and the problem. The
format is described in ``docs/evidence-format.md``; this package imports only the
standard library and jsonschema.

Digitised Kaplan–Meier figures (format 1.1) come from CSV files through
:func:`read_curves` and :func:`read_risk_table`, become a :class:`KmFigure` with
:func:`build_km_figure`, join the evidence with :func:`with_km_figure` and are saved
into its file, atomically, by :func:`save_with_km_figures` (see
``docs/digitised-curves.md``).
"""

from __future__ import annotations

from explorer.evidence.digitised import (
    CurveFile,
    ImportedCurve,
    ImportedRiskTable,
    RiskTableFile,
    build_km_figure,
    read_curves,
    read_risk_table,
    with_km_figure,
)
from explorer.evidence.errors import EvidenceError, format_path
from explorer.evidence.load import from_dict, load, load_bundled, loads
from explorer.evidence.model import (
    STATUSES,
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
from explorer.evidence.validate import SCHEMA_VERSION, schema, validate
from explorer.evidence.write import km_figure_to_dict, save_with_km_figures, write_json_atomic

__all__ = [
    "SCHEMA_VERSION",
    "STATUSES",
    "Accrual",
    "AdverseEvent",
    "Arm",
    "BaselineCharacteristic",
    "BinaryEndpoint",
    "Citation",
    "CurveFile",
    "DataCut",
    "Design",
    "Digitisation",
    "Document",
    "Effect",
    "EligibilityCriterion",
    "Endpoint",
    "Evidence",
    "EvidenceError",
    "ImportedCurve",
    "ImportedRiskTable",
    "KmCurve",
    "KmFigure",
    "Landmark",
    "Measure",
    "OutcomeAnalysis",
    "OutcomeGroup",
    "OutcomeMeasure",
    "OutcomeValue",
    "Population",
    "Proportion",
    "RiskTable",
    "RiskTableFile",
    "Source",
    "TimeToEventEndpoint",
    "Trial",
    "build_km_figure",
    "format_path",
    "from_dict",
    "km_figure_to_dict",
    "load",
    "load_bundled",
    "loads",
    "read_curves",
    "read_risk_table",
    "save_with_km_figures",
    "schema",
    "validate",
    "with_km_figure",
    "write_json_atomic",
]
