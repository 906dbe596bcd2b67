"""The headless command line: summary and audit, text and JSON, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_json_lists_every_figure_with_provenance(capsys):
    code, out, err = run(capsys, "summary", "--json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert set(doc) == {"trial", "figures", "checks"}
    assert doc["trial"]["registry_id"] == "NCT03809988"
    assert doc["trial"]["primary_result"].endswith("HR 0.8 (95% CI 0.6–1.1), p = 0.206")
    figures = {f["id"]: f for f in doc["figures"]}
    for f in doc["figures"]:
        assert f["status"] in {"reported", "derived", "reconstructed"}
        assert f["source"] if f["status"] == "reported" else f["derivation"]
    assert figures["pfs.median.palbo_et"]["source"].endswith("“4.2 months (95% CI 3.5–5.8)”")
    assert figures["pfs.wald_p"]["status"] == "derived"
    assert figures["pfs.wald_p"]["value"] == pytest.approx(0.149, abs=5e-4)
    assert figures["orr.count.palbo_et"]["status"] == "reconstructed"
    for required in (
        "pfs.hr_from_medians",
        "pfs.landmark_6_from_median.et",
        "pfs.wald_p_range",
        "design.events_required_schoenfeld",
        "design.events_required_freedman",
        "design.power_at_observed_events",
        "design.power_for_observed_hr",
        "design.detectable_hr",
        "design.events_for_observed_hr",
        "orr.rd",
        "cbr.rr",
        "ae.ae_grade_3_4.or",
        "ae.ae_grade_3_4.fisher_p",
        "ae.ae_grade_3_4.nnt",
    ):
        assert required in figures
    assert {c["level"] for c in doc["checks"]} <= {"pass", "note", "warn"}


def test_summary_text_shows_marks_and_sources(capsys):
    code, out, _ = run(capsys, "summary")
    assert code == 0
    assert out.startswith("PALMIRA (NCT03809988)")
    assert "● Progression-free survival: median, P+ET" in out
    assert "◇ Overall response rate: patients, P+ET" in out
    assert "source: " in out and "how: " in out


def test_audit_text_and_json(capsys):
    code, out, _ = run(capsys, "audit")
    assert code == 0
    assert "PASS    The arms add up to the randomised total (136 + 62 = 198)." in out
    code, out, _ = run(capsys, "audit", "--json")
    checks = json.loads(out)["checks"]
    assert any(c["id"] == "pfs_p_vs_ci" and c["level"] == "note" for c in checks)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "line 1, column 2"),
        ('{"schema_version": "9.0"}', "unsupported schema_version"),
        ('{"schema_version": "1.0"}', "is required"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, content, expected):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "summary", str(bad))
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"explorer: {bad}")
    assert expected in err


def test_missing_file_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "audit", str(tmp_path / "absent.json"))
    assert code == 2
    assert "absent.json" in err and err.count("\n") == 1


def test_bad_field_names_its_path(capsys, tmp_path):
    from explorer import resources

    data = json.loads(resources.read_text(resources.PALMIRA))
    data["endpoints"][0]["medians"]["et"]["lower"] = -1
    bad = tmp_path / "neg.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run(capsys, "summary", str(bad))
    assert code == 2
    assert "endpoints[0].medians.et.lower" in err


def test_module_entry_point_in_subprocess():
    out = subprocess.run(
        [sys.executable, "-m", "explorer", "summary", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["trial"]["acronym"] == "PALMIRA"


REGISTRY = Path(__file__).parent / "fixtures" / "ctgov" / "real"


def test_summary_reads_a_clinicaltrials_gov_record_with_field_path_sources(capsys):
    code, out, err = run(capsys, "summary", "--json", str(REGISTRY / "v2" / "NCT03036150.json"))
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["trial"]["registry_id"] == "NCT03036150"
    reported = [f for f in doc["figures"] if f["status"] == "reported"]
    assert reported
    # Every reported registry figure names the record's JSON field path and its date.
    assert all("record updated" in f["source"] for f in reported)
    assert any("resultsSection.outcomeMeasuresModule" in f["source"] for f in reported)


def test_summary_of_a_page_of_studies_shows_the_first_and_says_so(capsys, tmp_path):
    studies = [
        json.loads((REGISTRY / "v2" / name).read_text(encoding="utf-8"))
        for name in ("NCT05594173.json", "NCT02210780.json")
    ]
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": studies}), encoding="utf-8")
    code, out, err = run(capsys, "summary", str(page))
    assert code == 0
    assert out.startswith("NIH_HVX6 (NCT05594173)")
    assert "holds 2 studies; showing the first (NCT05594173)" in err


def test_summary_names_a_retired_registry_format(capsys):
    legacy = REGISTRY / "legacy_v1_json" / "NCT00023673.json"
    code, out, err = run(capsys, "summary", str(legacy))
    assert code == 2 and out == ""
    assert err.startswith(f"explorer: {legacy}: this is a retired ClinicalTrials.gov")
    assert "Traceback" not in err
