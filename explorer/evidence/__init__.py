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
"""

from __future__ import annotations

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
    Population,
    Proportion,
    RiskTable,
    Source,
    TimeToEventEndpoint,
    Trial,
)
from explorer.evidence.validate import SCHEMA_VERSION, schema, validate

__all__ = [
    "SCHEMA_VERSION",
    "STATUSES",
    "Accrual",
    "AdverseEvent",
    "Arm",
    "BaselineCharacteristic",
    "BinaryEndpoint",
    "Citation",
    "DataCut",
    "Design",
    "Digitisation",
    "Document",
    "Effect",
    "EligibilityCriterion",
    "Endpoint",
    "Evidence",
    "EvidenceError",
    "KmCurve",
    "KmFigure",
    "Landmark",
    "Measure",
    "Population",
    "Proportion",
    "RiskTable",
    "Source",
    "TimeToEventEndpoint",
    "Trial",
    "format_path",
    "from_dict",
    "load",
    "load_bundled",
    "loads",
    "schema",
    "validate",
]
