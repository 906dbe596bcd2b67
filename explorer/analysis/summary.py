"""One call from evidence to everything the app shows: figures and checks.

:func:`summarize` is what the CLI, the GUI panels and the reports share, so the
same numbers appear everywhere with the same provenance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from explorer.evidence import Evidence

from .audit import Check, run_checks
from .comparisons import add_comparison_figures
from .counts import CountFit, add_count_figures
from .design import DesignResult, add_design_figures
from .esmo_mcbs import add_mcbs_figures
from .figures import Figure, FigureSet
from .reported import reported_figures
from .survival import add_endpoint_figures

if TYPE_CHECKING:
    import pandas as pd

    from .reconstructed import ReconstructedAnalysis


TOPIC_TITLES = {
    "population": "Populations",
    "design": "Design",
    "safety": "Adverse events",
    "interpretation": "Interpretation",
    "baseline": "Baseline characteristics",
    "eligibility": "Eligibility thresholds",
    "outcome_measures": "Registry outcome measures",
}


@dataclass(frozen=True)
class Summary:
    """Every figure of a trial with its provenance, and the consistency checks.

    ``reconstructions`` holds, per endpoint id, the analysis of the endpoint's digitised
    Kaplan–Meier figure (the one ``Evidence.km_figure_for`` returns; empty when the
    evidence has none): the reconstructed curves, tables and diagnostics for a panel.
    """

    evidence: Evidence
    figures: tuple[Figure, ...]
    checks: tuple[Check, ...]
    count_fits: tuple[CountFit, ...]
    design: DesignResult | None
    reconstructions: Mapping[str, ReconstructedAnalysis] = field(
        default_factory=lambda: MappingProxyType({}), compare=False
    )

    def figure(self, id: str) -> Figure:
        """The figure with ``id`` (``KeyError`` naming it when absent)."""
        found = self._index.get(id)
        if found is None:
            raise KeyError(f"no figure {id!r}")
        return found

    @property
    def _index(self) -> dict[str, Figure]:
        index = self.__dict__.get("_figure_index")
        if index is None:
            index = {f.id: f for f in self.figures}
            object.__setattr__(self, "_figure_index", index)
        return index

    def trial_json(self) -> dict[str, Any]:
        """Trial identity, data cut, arms and the primary result in one line."""
        ev = self.evidence
        t = ev.trial
        return {
            "registry_id": t.registry_id,
            "acronym": t.acronym,
            "title": t.title,
            "phase": t.phase,
            "setting": t.setting,
            "population": t.population,
            "citation": {"text": t.citation.text, "doi": t.citation.doi},
            "data_cut": {
                "label": ev.data_cut.label,
                "date": ev.data_cut.date,
                "document": ev.data_cut.document,
            },
            "arms": [
                {"id": a.id, "label": a.label, "role": a.role, "description": a.description}
                for a in ev.arms
            ],
            "primary_result": self.primary_result(),
            "schema_version": ev.schema_version,
            "origin": ev.origin,
        }

    def primary_result(self) -> str:
        """The primary endpoint's result as one line, e.g. for a window header."""
        from .headline import primary_result

        return primary_result(self.evidence)

    def get(self, id: str) -> Figure | None:
        """The figure with ``id``, or ``None`` (the same lookup a ``FigureSet`` offers)."""
        return self._index.get(id)

    def explain(self, id: str) -> str:
        """Plain text for a details pane: the figure, its provenance, and its inputs' provenance."""
        from .figures import STATUS_MARKS

        f = self.figure(id)
        lines = [f"{STATUS_MARKS[f.status]} {f.label}", f"{f.formatted()}  ({f.status})", ""]
        if f.status == "reported":
            lines.append(f"Source: {f.source}")
        else:
            method = (f.derivation or "").split(". Inputs:")[0]
            lines.append(
                f"{'Reconstruction' if f.status == 'reconstructed' else 'Derivation'}: {method}"
            )
        if f.inputs:
            lines += ["", "Inputs:"]
            for input_id in f.inputs:
                try:
                    g = self.figure(input_id)
                except KeyError:
                    lines.append(f"  {input_id}")
                    continue
                lines.append(
                    f"  {STATUS_MARKS[g.status]} {g.label} = {g.formatted()}  ({g.status})"
                )
                lines.append(f"      {g.provenance if g.status == 'reported' else g.brief}")
        lines += ["", f"Figure id: {f.id}"]
        return "\n".join(lines)

    def topic_title(self, topic: str) -> str:
        """A heading for a figure topic: "Design", an endpoint's name, ..."""
        if topic in TOPIC_TITLES:
            return TOPIC_TITLES[topic]
        try:
            return self.evidence.endpoint(topic).name
        except KeyError:
            return topic.capitalize()

    def to_json(self) -> dict[str, Any]:
        """The ``summary --json`` document (DESIGN.md)."""
        return {
            "trial": self.trial_json(),
            "figures": [f.to_json() for f in self.figures],
            "checks": [c.to_json() for c in self.checks],
        }

    def figures_frame(self) -> pd.DataFrame:
        """Figures as a tidy DataFrame with a ``provenance`` column, for tables."""
        import pandas as pd

        rows = [
            {
                "id": f.id,
                "topic": f.topic,
                "section": self.topic_title(f.topic),
                "label": f.label,
                "value": f.value,
                "lower": f.lower,
                "upper": f.upper,
                "level": f.level,
                "unit": f.unit,
                "display": f.formatted(),
                "status": f.status,
                "provenance": f.provenance,
                "brief": f.brief,
            }
            for f in self.figures
        ]
        return pd.DataFrame(rows)

    def checks_frame(self) -> pd.DataFrame:
        """Checks as a DataFrame (id, level, message, figures)."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "id": c.id,
                    "level": c.level,
                    "message": c.message,
                    "figures": ", ".join(c.figures),
                }
                for c in self.checks
            ],
            columns=["id", "level", "message", "figures"],
        )


def _in_reading_order(evidence: Evidence, figures: FigureSet) -> list[Figure]:
    """Figures grouped by topic (populations, design, each endpoint, safety, baseline).

    Within a topic the order they were added is kept: reported first, then what
    was derived from them.
    """
    order = [
        "population",
        "design",
        *(ep.id for ep in evidence.endpoints),
        "outcome_measures",
        "safety",
        "interpretation",
        "baseline",
        "eligibility",
    ]
    rank = {topic: i for i, topic in enumerate(order)}
    return sorted(figures, key=lambda f: rank.get(f.topic, len(order)))


def summarize(evidence: Evidence) -> Summary:
    """Derive every figure of ``evidence`` and run the audit."""
    figures = FigureSet()
    figures.extend(reported_figures(evidence))
    fits = add_count_figures(evidence, figures)
    add_endpoint_figures(evidence, figures)
    design_result = add_design_figures(evidence, figures)
    add_comparison_figures(evidence, figures)
    add_mcbs_figures(evidence, figures)
    # Imported here: interpretation uses the endpoints' model curves, and endpoints imports
    # this module.
    from .interpretation import add_interpretation_figures

    add_interpretation_figures(evidence, figures)
    analyses = _reconstruct_figures(evidence, figures)
    checks = run_checks(evidence, figures, fits, design_result, analyses)
    return Summary(
        evidence=evidence,
        figures=tuple(_in_reading_order(evidence, figures)),
        checks=tuple(checks),
        count_fits=tuple(fits),
        design=design_result,
        reconstructions=MappingProxyType(
            {a.endpoint.id: a for a in reversed(analyses)}  # the first figure per endpoint
        ),
    )


def _reconstruct_figures(evidence: Evidence, figures: FigureSet) -> list[ReconstructedAnalysis]:
    """Analyse every digitised Kaplan–Meier figure and add its figures to ``figures``."""
    if not evidence.km_figures:
        return []
    from .reconstructed import reconstruct_figure

    analyses = [reconstruct_figure(evidence, figure) for figure in evidence.km_figures]
    for analysis in analyses:
        figures.extend(analysis.figures())
    return analyses
