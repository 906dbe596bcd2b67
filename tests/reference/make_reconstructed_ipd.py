"""Reconstruct the patients of the figures in reconstructed.json; write reconstructed_ipd.json.

Step two of three (see reconstructed.R): R wrote the "digitised" figures of two real trials
(survival::veteran, survival::colon) and their true analyses; this script reconstructs the
patients from those figures with explorer's own code (``reconstruct_figure``) and stores
them, so that R can analyse exactly the same patients. Run from anywhere:

    .venv/bin/python tests/reference/make_reconstructed_ipd.py

The test (tests/analysis/test_reconstructed.py) imports :func:`case_evidence` from here,
so the test and the stored patients come from the same evidence.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from types import MappingProxyType

from explorer.analysis.reconstructed import ReconstructedAnalysis, reconstruct_figure
from explorer.evidence import (
    Arm,
    Digitisation,
    Document,
    Effect,
    Evidence,
    KmCurve,
    KmFigure,
    Measure,
    RiskTable,
    Source,
    TimeToEventEndpoint,
    load_bundled,
)

HERE = Path(__file__).resolve().parent
FIGURES = HERE / "reconstructed.json"
IPD = HERE / "reconstructed_ipd.json"

ARM_LABELS = {
    "test": "Test chemotherapy",
    "standard": "Standard chemotherapy",
    "obs": "Observation",
    "lev": "Levamisole",
    "lev5fu": "Levamisole + 5-FU",
}
DOCUMENTS = {
    "veteran": Document(
        id="veteran",
        kind="other",
        title="Veterans' Administration lung cancer trial (R survival::veteran)",
        citation="Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data. "
        "Wiley, 1980 (R package survival, data set veteran)",
    ),
    "colon": Document(
        id="colon",
        kind="other",
        title="Adjuvant chemotherapy for colon cancer (R survival::colon)",
        citation="Moertel CG, et al. J Clin Oncol. 1995;13:2936-2943 (R package survival, "
        "data set colon)",
    ),
}


def _reported(value: float, decimals: int, quote: str, document: str, **kw) -> Measure:
    return Measure(
        value=round(value, decimals),
        status="reported",
        decimals=decimals,
        source=Source(document, "Results", quote),
        **kw,
    )


def case_evidence(name: str, case: dict) -> tuple[Evidence, KmFigure]:
    """Evidence (on PALMIRA's frame) holding the R case's figure and, as "reported"
    figures, its true medians (1 decimal), total events and, with one treatment arm, the
    true Cox HR (2 decimals): what a publication of the trial would print."""
    document = "colon" if name == "colon" else "veteran"
    treatments, control = list(case["treatments"]), case["control"]
    arms = tuple(
        Arm(a, ARM_LABELS[a], ARM_LABELS[a], "treatment" if a != control else "control")
        for a in (*treatments, control)
    )
    truth = case["truth"]
    medians = {}
    for a in (*treatments, control):
        t = truth["arms"][a]
        if t["median"] is not None and t["lower"] is not None and t["upper"] is not None:
            medians[a] = _reported(
                t["median"],
                1,
                f"median {t['median']:.1f} months",
                document,
                unit="months",
                lower=round(t["lower"], 1),
                upper=round(t["upper"], 1),
                level=0.95,
            )
    effect = None
    if len(treatments) == 1:
        c = truth["comparisons"][0]
        effect = Effect(
            kind="HR",
            estimate=_reported(
                c["hr"],
                2,
                f"HR {c['hr']:.2f} ({c['hr_lower']:.2f}–{c['hr_upper']:.2f})",
                document,
                unit="ratio",
                lower=round(c["hr_lower"], 2),
                upper=round(c["hr_upper"], 2),
                level=0.95,
            ),
            p=None,
            test=None,
        )
    events = sum(truth["arms"][a]["events"] for a in (*treatments, control))
    endpoint = TimeToEventEndpoint(
        id="os",
        name="Overall survival",
        role="primary",
        population="randomised",
        assessment=None,
        unit="months",
        medians=MappingProxyType(medians),
        landmarks=(),
        effect=effect,
        events=_reported(events, 0, f"{events} deaths", document, unit="events"),
    )

    def stratum(value: str | None) -> str | None:
        return None if value is None else str(value)

    figure = KmFigure(
        id=f"{name}_figure",
        endpoint="os",
        label="Figure 1",
        time_unit=case["time_unit"],
        source=Source(document, "Results", "Figure 1: overall survival"),
        digitisation=Digitisation("survfit step corners (R)"),
        curves=tuple(
            KmCurve(
                arm=c["arm"],
                stratum=stratum(c["stratum"]),
                time=tuple(float(x) for x in c["time"]),
                survival=tuple(float(x) for x in c["survival"]),
                total_events=int(c["total_events"]),
            )
            for c in case["curves"]
        ),
        risk_tables=tuple(
            RiskTable(
                arm=r["arm"],
                stratum=stratum(r["stratum"]),
                time=tuple(float(x) for x in r["time"]),
                at_risk=tuple(int(x) for x in r["at_risk"]),
            )
            for r in case["risk_tables"]
        ),
    )
    base = load_bundled()
    evidence = dataclasses.replace(
        base,
        arms=arms,
        endpoints=(endpoint,),
        documents=(*base.documents, DOCUMENTS[document]),
        km_figures=(figure,),
        origin=f"reconstructed.json:{name}",
    )
    return evidence, figure


def analyse_case(name: str, case: dict) -> ReconstructedAnalysis:
    """The reconstruction and analyses explorer makes of an R case's figure."""
    evidence, figure = case_evidence(name, case)
    return reconstruct_figure(evidence, figure, tau=case["tau"], landmarks=case["landmarks"])


def ipd_document(figures: dict) -> dict:
    """The reconstructed patients of every case, per curve, as stored in the JSON."""
    out: dict = {"cases": {}}
    for name, case in figures["cases"].items():
        analysis = analyse_case(name, case)
        out["cases"][name] = {
            "tau": analysis.tau,
            "curves": [
                {
                    "arm": fit.arm_id,
                    "stratum": fit.stratum,
                    "time": [float(t) for t in fit.ipd.time],
                    "event": [int(e) for e in fit.ipd.event],
                }
                for fit in analysis.fits
            ],
        }
        assert all(math.isfinite(t) for c in out["cases"][name]["curves"] for t in c["time"])
    return out


def main() -> None:
    figures = json.loads(FIGURES.read_text(encoding="utf-8"))
    IPD.write_text(json.dumps(ipd_document(figures), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {IPD}")


if __name__ == "__main__":
    main()
