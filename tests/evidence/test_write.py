"""Saving digitised figures into evidence files: round trip, atomicity, read-only bundle."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from pathlib import Path

import pytest

from explorer import evidence, resources
from explorer.evidence import Digitisation, EvidenceError, KmFigure, Source
from explorer.evidence.write import format_json, km_figure_to_dict, write_json_atomic

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "digitised"


def _minimal_example() -> dict:
    text = (ROOT / "docs" / "evidence-format.md").read_text(encoding="utf-8")
    block = text.split("<!-- minimal-example:start -->")[1].split("<!-- minimal-example:end")[0]
    return json.loads(block.strip().removeprefix("```json").removesuffix("```"))


@pytest.fixture
def folder(tmp_path) -> Path:
    """An empty folder of its own (tmp_path also holds the test settings)."""
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def trial_file(folder) -> Path:
    """A 1.0 evidence file (the docs' minimal example) written by hand, compactly."""
    path = folder / "trial.json"
    path.write_text(json.dumps(_minimal_example()), encoding="utf-8")
    return path


def _figure(trial: evidence.Evidence, figure_id: str = "os_km") -> KmFigure:
    return evidence.build_km_figure(
        trial,
        evidence.read_curves(FIXTURES / "native.csv"),
        evidence.read_risk_table(FIXTURES / "risk-wide.csv"),
        endpoint="os",
        arm_map={"Drug": "new", "Placebo": "std"},
        figure_id=figure_id,
        label="Figure 2",
        source=Source("paper", "Figure 2", "Figure 2. Overall survival"),
        digitisation=Digitisation("by hand", date="2024-03-01", note="from the PDF"),
        total_events={"new": 9},
    )


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_figure_to_dict_is_the_file_layout_and_round_trips(trial_file):
    trial = evidence.load(trial_file)
    figure = _figure(trial)
    data = km_figure_to_dict(figure)
    assert list(data) == [
        "id",
        "endpoint",
        "label",
        "time_unit",
        "source",
        "digitisation",
        "curves",
        "risk_tables",
    ]
    assert data["digitisation"] == {
        "tool": "by hand",
        "files": ["native.csv", "risk-wide.csv"],
        "date": "2024-03-01",
        "note": "from the PDF",
    }
    assert data["curves"][0]["total_events"] == 9
    assert "total_events" not in data["curves"][1]  # None is left out
    assert "stratum" not in data["curves"][0]
    assert data["risk_tables"][1] == {
        "arm": "std",
        "time": [0.0, 3.0, 6.0, 9.0, 12.0],
        "at_risk": [40, 35, 27, 20, 9],
    }
    full = _minimal_example() | {"schema_version": "1.1", "km_figures": [data]}
    assert evidence.from_dict(json.loads(json.dumps(full))).km_figures == (figure,)


def test_save_load_gives_the_same_figure_and_keeps_the_rest(trial_file):
    trial = evidence.load(trial_file)
    figure = _figure(trial)
    saved = evidence.save_with_km_figures(evidence.with_km_figure(trial, figure), trial_file)
    again = evidence.load(trial_file)
    assert again.km_figures == (figure,) == saved.km_figures
    assert again.schema_version == "1.1" and saved.origin == str(trial_file)
    data = json.loads(trial_file.read_text(encoding="utf-8"))
    original = _minimal_example()
    assert list(data) == [*original, "km_figures"]  # figures after the endpoints
    assert {k: v for k, v in data.items() if k not in ("schema_version", "km_figures")} == {
        k: v for k, v in original.items() if k != "schema_version"
    }
    # Replacing the figure and adding a second one keep their order.
    second = dataclasses.replace(figure, id="os_km_b", label="Figure S1")
    updated = evidence.with_km_figure(
        evidence.with_km_figure(again, dataclasses.replace(figure, label="Figure 2A")), second
    )
    evidence.save_with_km_figures(updated, trial_file)
    assert [(f.id, f.label) for f in evidence.load(trial_file).km_figures] == [
        ("os_km", "Figure 2A"),
        ("os_km_b", "Figure S1"),
    ]


def test_saving_without_figures_removes_them(trial_file):
    trial = evidence.load(trial_file)
    with_one = evidence.save_with_km_figures(
        evidence.with_km_figure(trial, _figure(trial)), trial_file
    )
    emptied = dataclasses.replace(with_one, km_figures=())
    evidence.save_with_km_figures(emptied, trial_file)
    data = json.loads(trial_file.read_text(encoding="utf-8"))
    assert "km_figures" not in data
    assert data["schema_version"] == "1.1"  # a 1.1 file stays 1.1


def test_save_to_a_new_file_leaves_the_original(trial_file, tmp_path):
    before = trial_file.read_bytes()
    trial = evidence.load(trial_file)
    target = tmp_path / "copy.json"
    evidence.save_with_km_figures(evidence.with_km_figure(trial, _figure(trial)), target)
    assert trial_file.read_bytes() == before
    assert evidence.load(target).km_figure("os_km").label == "Figure 2"


class _DiskFullHandle:
    """A file handle that writes 50 characters, then fails as a full disk does."""

    def __init__(self, handle):
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def write(self, text):
        self.handle.write(text[:50])
        self.handle.flush()
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_a_failed_save_leaves_the_old_file_and_no_temporary_file(trial_file, monkeypatch, failing):
    before = trial_file.read_bytes()
    trial = evidence.load(trial_file)
    updated = evidence.with_km_figure(trial, _figure(trial))

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if failing == "write":  # the temporary file is half written when the disk fills
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda *a, **k: _DiskFullHandle(real_fdopen(*a, **k)))
    else:
        monkeypatch.setattr(os, failing, boom)
    with pytest.raises(OSError, match="No space left on device"):
        evidence.save_with_km_figures(updated, trial_file)
    assert trial_file.read_bytes() == before
    assert _files(trial_file.parent) == ["trial.json"]


def test_an_invalid_result_is_not_written(trial_file):
    before = trial_file.read_bytes()
    trial = evidence.load(trial_file)
    figure = dataclasses.replace(_figure(trial), source=Source("poster", "Fig 2", "Fig 2"))
    bypassed = dataclasses.replace(trial, km_figures=(figure,))  # not via with_km_figure
    with pytest.raises(EvidenceError) as caught:
        evidence.save_with_km_figures(bypassed, trial_file)
    assert str(caught.value) == (
        f"{trial_file}: km_figures[0].source.document: unknown document id 'poster'"
        " (documents are: paper)"
    )
    assert trial_file.read_bytes() == before
    assert _files(trial_file.parent) == ["trial.json"]


def test_the_bundled_evidence_is_never_written(tmp_path):
    bundled = resources.path(resources.PALMIRA)
    before = bundled.read_bytes()
    palmira = evidence.load_bundled()
    figure = KmFigure(
        id="pfs_km",
        endpoint="pfs",
        label="Figure 1",
        time_unit="months",
        source=Source("asco2023", "Poster", "Figure 1. PFS"),
        digitisation=Digitisation("by hand"),
        curves=(
            evidence.KmCurve("palbo_et", None, (0.0, 4.9), (1.0, 0.5)),
            evidence.KmCurve("et", None, (0.0, 3.6), (1.0, 0.5)),
        ),
        risk_tables=(
            evidence.RiskTable("palbo_et", None, (0.0, 3.0), (136, 90)),
            evidence.RiskTable("et", None, (0.0, 3.0), (62, 36)),
        ),
    )
    updated = evidence.with_km_figure(palmira, figure)
    with pytest.raises(EvidenceError) as caught:
        evidence.save_with_km_figures(updated, bundled)
    assert caught.value.problem == (
        "is the bundled evidence, which is read-only: save the figures to a file of your own"
    )
    # Saving elsewhere starts from the bundled JSON and makes a 1.1 copy.
    target = tmp_path / "palmira-with-figure.json"
    evidence.save_with_km_figures(updated, target)
    copy = evidence.load(target)
    assert copy.schema_version == "1.1" and copy.km_figures == (figure,)
    assert copy.endpoints == palmira.endpoints
    assert bundled.read_bytes() == before


def test_evidence_not_read_from_a_file_cannot_be_saved(folder):
    trial = evidence.from_dict(_minimal_example())
    with pytest.raises(EvidenceError) as caught:
        evidence.save_with_km_figures(trial, folder / "out.json")
    assert str(caught.value) == (
        "<dict>: the evidence was not read from a file, so there is no file to add figures to;"
        " open the evidence file first"
    )
    assert _files(folder) == []


def test_a_deleted_origin_is_reported(trial_file):
    trial = evidence.load(trial_file)
    trial_file.unlink()
    with pytest.raises(EvidenceError) as caught:
        evidence.save_with_km_figures(trial, trial_file)
    assert caught.value.problem == "file not found (moved or deleted since it was opened)"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and symbolic links")
def test_permissions_and_symbolic_links_are_kept(trial_file, tmp_path):
    trial_file.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(trial_file)
    trial = evidence.load(link)
    evidence.save_with_km_figures(evidence.with_km_figure(trial, _figure(trial)), link)
    assert link.is_symlink()
    assert stat.S_IMODE(trial_file.stat().st_mode) == 0o640
    assert evidence.load(trial_file).km_figure("os_km").endpoint == "os"


def test_write_json_atomic_refuses_nan_and_writes_nothing(folder):
    path = folder / "x.json"
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        write_json_atomic(path, {"value": float("nan")})
    assert _files(folder) == []
    write_json_atomic(path, {"value": 1.5, "name": "Mañana – ≤0.59"})
    assert json.loads(path.read_text(encoding="utf-8")) == {"value": 1.5, "name": "Mañana – ≤0.59"}
    assert "Mañana" in path.read_text(encoding="utf-8")  # UTF-8, not \\u escapes
    if os.name == "posix":
        umask = os.umask(0)
        os.umask(umask)
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_format_json_packs_number_arrays_and_round_trips():
    data = {
        "km_figures": [
            {
                "time": [round(i * 0.1234, 4) for i in range(200)],
                "at_risk": [150, 120],
                "empty": [],
            },
        ],
        "nested": {"a": None, "b": [True, "x"], "c": {}},
    }
    text = format_json(data)
    assert json.loads(text) == data
    assert text.endswith("}\n")
    assert max(len(line) for line in text.splitlines()) <= 100
    assert '"at_risk": [150, 120]' in text
    assert len(text.splitlines()) < 40  # 200 times on a handful of lines, not 200
    assert json.loads(format_json([])) == []
