"""Hypothesis strategies and checks shared by the importer fuzz tests.

The inputs start from real files (the bundled evidence, the tests' evidence and registry
fixtures, the digitised CSV fixtures) and are broken the way files get broken: a key
deleted, a value of the wrong type, NaN, an infinite or huge number, bounds swapped,
nesting a thousand levels deep, the text cut short, a byte-order mark, bytes that are not
UTF-8. Fully random JSON, CSV and XML-looking text is drawn as well.

Every importer must answer such input with a result or with the project's own error,
whose message names the file, the place and the problem: :func:`outcome` runs one call
and checks exactly that, so each test is a one-liner over its inputs.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import os
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from hypothesis import currently_in_test_context, event, settings
from hypothesis import strategies as st

from explorer import resources
from explorer.evidence.errors import EvidenceError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
DIGITISED = FIXTURES / "digitised"
CTGOV = FIXTURES / "ctgov"

#: Problems that may be reported for the file as a whole (an empty path): the text is
#: not readable, not JSON, not one of the formats, or too large. Anything else must
#: name its place.
WHOLE_FILE_PROBLEMS = re.compile(
    r"not valid JSON|not UTF-8|byte-order mark|files? over \d+ MB|limit|MB are refused"
    r"|not an evidence file or a ClinicalTrials\.gov|retired ClinicalTrials\.gov"
    r"|XML|HTML|not CSV|binary data|zip archive|is empty|has no points|has no numbers at risk"
    r"|has a header but no points|the unit of the times is not known|nested"
    r"|must be an object|ends too early|file not found|is a folder, not a file"
)


def profile(*, long_share: float = 1.0) -> settings:
    """The settings of the active fuzz profile (``HYPOTHESIS_PROFILE``, default ``ci``).

    Applied to each fuzz test as a decorator rather than loaded globally, so the other
    property tests of the suite keep their own settings.

    Parameters
    ----------
    long_share : float, optional
        Share of the long profile's examples this test runs: the tests that import whole
        evidence files and registry records take 10 to 100 times longer per example than
        the ones reading a few random bytes, so they run fewer in the same time. The
        ``ci`` profile runs the same number for every test.
    """
    base = settings.get_profile(active_profile())
    if active_profile() != "long" or long_share == 1.0:
        return base
    return settings(base, max_examples=max(1, round(base.max_examples * long_share)))


def active_profile() -> str:
    """The name of the active fuzz profile: ``"ci"`` unless ``HYPOTHESIS_PROFILE`` says."""
    return os.environ.get("HYPOTHESIS_PROFILE", "ci")


# --- the files the inputs start from --------------------------------------------------


def _docs_minimal_example() -> str:
    text = (ROOT / "docs" / "evidence-format.md").read_text(encoding="utf-8")
    block = text.split("<!-- minimal-example:start -->")[1].split("<!-- minimal-example:end")[0]
    return block.strip().removeprefix("```json").removesuffix("```").strip()


@cache
def evidence_seeds() -> tuple[tuple[str, str], ...]:
    """(name, JSON text) of every bundled evidence file and the tests' evidence files."""
    seeds = [
        (name.rsplit("/", 1)[-1], resources.read_text(name)) for name in resources.BUNDLED_EVIDENCE
    ]
    seeds.append(("simulated-trial.json", (DIGITISED / "simulated-trial.json").read_text("utf-8")))
    seeds.append(("minimal-example.json", _docs_minimal_example()))
    return tuple(seeds)


@cache
def registry_seeds(*, include_large: bool) -> tuple[tuple[str, str], ...]:
    """(name, JSON text) of the registry records, the small ones listed more often.

    The 548 KB record takes about half a second per import, so it is left to the long
    profile; the small real record and the made-up one come up three times as often as
    the 98 KB one.
    """
    small = [CTGOV / "real" / "v2" / "NCT05594173.json", CTGOV / "made-up-three-arm.json"]
    medium = [CTGOV / "real" / "v2" / "NCT02210780.json"]
    large = [CTGOV / "real" / "v2" / "NCT03036150.json"] if include_large else []
    paths = small * 3 + medium + large
    return tuple((p.name, p.read_text(encoding="utf-8")) for p in paths)


@cache
def csv_seeds(kind: str) -> tuple[tuple[str, str], ...]:
    """(name, text) of the digitised fixtures: ``kind`` is ``"curves"`` or ``"risk"``."""
    names = {
        "curves": (
            "native.csv",
            "native-stratified.csv",
            "native-semicolon-bom.csv",
            "wpd-all-datasets.csv",
            "wpd-one-dataset.csv",
            "wpd-one-dataset-decimal-comma.csv",
            "simulated-curves.csv",
        ),
        "risk": ("risk-long.csv", "risk-wide.csv", "simulated-risk-table.csv"),
    }[kind]
    return tuple((n, (DIGITISED / n).read_text(encoding="utf-8-sig")) for n in names)


@cache
def _parsed(text: str) -> Any:
    return json.loads(text)


# --- deep nesting, kept as a marker until the last moment --------------------------------


@dataclasses.dataclass(frozen=True)
class Deep:
    """A value nested ``levels`` deep in arrays or objects, built only when used.

    The harness itself must not recurse through it (``copy``, ``json.dumps`` and
    hypothesis' own reporting would hit the recursion limit), so trees hold this marker
    and :func:`to_python` / :func:`to_json` expand it without recursion.
    """

    levels: int
    kind: str  # "array" or "object"

    def python(self) -> Any:
        value: Any = 1
        for _ in range(self.levels):
            value = [value] if self.kind == "array" else {"a": value}
        return value

    def text(self) -> str:
        if self.kind == "array":
            return "[" * self.levels + "1" + "]" * self.levels
        return '{"a":' * self.levels + "1" + "}" * self.levels


def to_python(tree: Any) -> Any:
    """``tree`` with every :class:`Deep` marker replaced by the real nested value."""
    if isinstance(tree, Deep):
        return tree.python()
    if isinstance(tree, dict):
        return {k: to_python(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [to_python(v) for v in tree]
    return tree


def to_json(tree: Any, *, indent: int | None = None, ensure_ascii: bool = True) -> str:
    """Serialise ``tree`` as JSON text, NaN and Infinity written as Python's json does."""
    markers: dict[str, Deep] = {}

    def placeholder(node: Any) -> Any:
        if isinstance(node, Deep):
            key = f"@@deep-{len(markers)}@@"
            markers[key] = node
            return key
        if isinstance(node, dict):
            return {k: placeholder(v) for k, v in node.items()}
        if isinstance(node, list):
            return [placeholder(v) for v in node]
        return node

    text = json.dumps(placeholder(tree), indent=indent, ensure_ascii=ensure_ascii)
    for key, deep in markers.items():
        text = text.replace(json.dumps(key), deep.text())
    return text


# --- mutating a parsed tree ---------------------------------------------------------------

Path_ = tuple[str | int, ...]


def _paths(tree: Any, limit: int = 40) -> list[Path_]:
    """Every path in ``tree`` (root first), without descending into markers."""
    out: list[Path_] = []
    stack: list[tuple[Path_, Any]] = [((), tree)]
    while stack:
        path, node = stack.pop()
        out.append(path)
        if len(path) >= limit:
            continue
        if isinstance(node, dict):
            stack.extend(((*path, k), v) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(node))))
    return out


def _get(tree: Any, path: Path_) -> Any:
    for part in path:
        tree = tree[part]
    return tree


def _set(tree: Any, path: Path_, value: Any) -> Any:
    if not path:
        return value
    _get(tree, path[:-1])[path[-1]] = value
    return tree


def nasty_values() -> st.SearchStrategy[Any]:
    """Values a broken file may hold where something else was expected."""
    return st.one_of(
        st.sampled_from(
            [
                None,
                True,
                False,
                "",
                " ",
                "NA",
                0,
                -1,
                -0.0,
                1e308,
                -1e308,
                5e-324,
                10**400,
                -(10**30),
                2**63,
                float("nan"),
                float("inf"),
                float("-inf"),
                [],
                {},
                "<b>bold</b><img src=x>",
                "1e999",
                "\x00\u202e\ud7ff\U0001f600",
                "x" * 5000,
            ]
        ),
        st.integers(min_value=-(10**6), max_value=10**6),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
        st.lists(st.integers(-5, 5), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers(-5, 5), max_size=2),
        st.builds(
            Deep, st.sampled_from([50, 200, 1000, 3000]), st.sampled_from(["array", "object"])
        ),
    )


@st.composite
def mutated_tree(draw: st.DrawFn, seeds: tuple[tuple[str, str], ...]) -> tuple[str, Any]:
    """(seed name, a copy of a seed's parsed JSON with one to three mutations)."""
    name, text = draw(st.sampled_from(seeds))
    tree = copy.deepcopy(_parsed(text))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        tree = draw(_mutation(tree))
    return name, tree


@st.composite
def _mutation(draw: st.DrawFn, tree: Any) -> Any:
    paths = _paths(tree)
    kind = draw(
        st.sampled_from(["delete", "replace", "swap", "number", "duplicate", "rename", "text"])
    )
    if kind == "swap":
        pairs = [p for p in paths if _is_interval(_get(tree, p))]
        if pairs:
            node = _get(tree, draw(st.sampled_from(pairs)))
            node["lower"], node["upper"] = node["upper"], node["lower"]
            return tree
        kind = "replace"
    if kind == "number":
        numbers = [p for p in paths if _is_number(_get(tree, p))]
        if numbers:
            path = draw(st.sampled_from(numbers))
            old = _get(tree, path)
            big = abs(old) > 1e300 or (isinstance(old, float) and not math.isfinite(old))
            huge = old if big else old * 1e300  # 1e300 times a finite float; inf past 1.8
            new = draw(st.sampled_from([-abs(old) - 1, -old, 0, huge, 10**400, float("nan"), 2.5]))
            return _set(tree, path, new)
        kind = "replace"
    if kind == "text":
        strings = [p for p in paths if isinstance(_get(tree, p), str)]
        if strings:
            path = draw(st.sampled_from(strings))
            return _set(tree, path, draw(st.text(max_size=30) | st.sampled_from(["", "1e999"])))
        kind = "replace"
    inner = [p for p in paths if p]
    if not inner:
        return draw(nasty_values())
    path = draw(st.sampled_from(inner))
    parent = _get(tree, path[:-1])
    key = path[-1]
    if kind == "delete":
        del parent[key]
    elif kind == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[key]))
    elif kind == "rename" and isinstance(parent, dict):
        parent[draw(st.text(min_size=1, max_size=10))] = parent.pop(key)
    else:
        parent[key] = draw(nasty_values())
    return tree


def _is_interval(node: Any) -> bool:
    return isinstance(node, dict) and "lower" in node and "upper" in node


def _is_number(node: Any) -> bool:
    return isinstance(node, int | float) and not isinstance(node, bool)


# --- from a tree to text and bytes ---------------------------------------------------------


@st.composite
def serialised(draw: st.DrawFn, tree: Any) -> str:
    """``tree`` as JSON text, sometimes damaged: cut short, a BOM, junk or a duplicate key."""
    text = to_json(
        tree,
        indent=draw(st.sampled_from([None, 1, 2])),
        ensure_ascii=draw(st.booleans()),
    )
    damage = draw(st.sampled_from(["none"] * 8 + ["truncate", "bom", "insert", "duplicate"]))
    if damage == "truncate":
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
    elif damage == "bom":
        text = "\ufeff" + text
    elif damage == "insert":
        at = draw(st.integers(min_value=0, max_value=len(text)))
        junk = draw(st.sampled_from(["}", "]", ",", '"', "\\", "NaN", "-Infinity", "\x00", "//"]))
        text = text[:at] + junk + text[at:]
    elif damage == "duplicate" and text.startswith("{"):
        first_key = re.match(r'\{\s*("(?:[^"\\]|\\.)*")\s*:', text)
        if first_key:
            text = "{" + first_key.group(1) + ": null, " + text[1:]
    return text


@st.composite
def damaged_bytes(draw: st.DrawFn, text: str) -> bytes:
    """``text`` encoded as a file, sometimes not valid UTF-8 or not UTF-8 at all."""
    raw = text.encode("utf-8", errors="surrogatepass")
    damage = draw(st.sampled_from(["none", "none", "invalid", "bom", "utf16", "latin1"]))
    if damage == "invalid":
        at = draw(st.integers(min_value=0, max_value=len(raw)))
        bad = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80", b"\xf4\x90"]))
        raw = raw[:at] + bad + raw[at:]
    elif damage == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif damage == "utf16":
        raw = text.encode("utf-16", errors="surrogatepass")
    elif damage == "latin1":
        raw = text.encode("latin-1", errors="replace")
    return raw


def json_values() -> st.SearchStrategy[Any]:
    """Arbitrary JSON values, their keys often the evidence and registry format's own."""
    keys = st.sampled_from(KNOWN_KEYS) | st.text(max_size=8)
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(10**20), max_value=10**20)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=12)
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5)
        ),
        max_leaves=25,
    )


KNOWN_KEYS = [
    "schema_version",
    "trial",
    "documents",
    "data_cut",
    "arms",
    "populations",
    "design",
    "endpoints",
    "adverse_events",
    "baseline",
    "km_figures",
    "outcome_measures",
    "value",
    "status",
    "lower",
    "upper",
    "id",
    "kind",
    "protocolSection",
    "resultsSection",
    "studies",
    "identificationModule",
    "nctId",
    "FullStudiesResponse",
    "Study",
    "ProtocolSection",
]


def xml_texts() -> st.SearchStrategy[str]:
    """Text that starts like XML or HTML (a classic registry record, a web page)."""
    classic = (CTGOV / "classic-record.xml").read_text(encoding="utf-8")
    heads = st.sampled_from(
        ["<?xml version='1.0'?>", "<clinical_study>", "<html><body>", "<", "  \n<", classic]
    )
    return st.builds(lambda head, tail: head + tail, heads, st.text(max_size=200))


# --- CSV -------------------------------------------------------------------------------------

_CSV_WORDS = [
    "arm",
    "Arm",
    "time",
    "time (months)",
    "time_days",
    "time [weeks]",
    "time furlongs",
    "survival",
    "survival_percent",
    "survival (%)",
    "stratum",
    "at_risk",
    "at risk",
    "X",
    "Y",
    "x",
    "y",
    "Drug",
    "Placebo",
    "drug",
    "",
    " ",
    '"',
    "0",
    "1",
    "100",
    "-0",
    "-1",
    "0.5",
    "0,5",
    "1e999",
    "-1e999",
    "1e308",
    "nan",
    "inf",
    "12.5",
    ".5",
    "5.",
    "1 000",
    "<b>x</b>",
]


def csv_cells() -> st.SearchStrategy[str]:
    """One cell: a header word, a number written one of many ways, or junk."""
    return st.one_of(
        st.sampled_from(_CSV_WORDS),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers(min_value=-(10**400), max_value=10**400).map(str),
        st.text(max_size=8),
    )


@st.composite
def random_csv(draw: st.DrawFn) -> str:
    """A random table of cells, with a random separator and line ending."""
    sep = draw(st.sampled_from([",", ";", "\t"]))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    rows = draw(st.lists(st.lists(csv_cells(), max_size=6), min_size=1, max_size=12))
    text = end.join(sep.join(row) for row in rows)
    return text + end  # a line break: read_curves takes a str without one as a path


@st.composite
def mutated_csv(draw: st.DrawFn, seeds: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    """(seed name, a digitised fixture with cells replaced, lines dropped, swapped or cut)."""
    name, text = draw(st.sampled_from(seeds))
    lines = text.splitlines()
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        if not lines:
            break
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        kind = draw(st.sampled_from(["cell", "cell", "drop", "swap", "copy", "cut"]))
        if kind == "cell":
            sep = ";" if ";" in lines[0] else "\t" if "\t" in lines[0] else ","
            cells = lines[i].split(sep)
            j = draw(st.integers(min_value=0, max_value=max(len(cells) - 1, 0)))
            cells[j : j + 1] = [draw(csv_cells())]
            lines[i] = sep.join(cells)
        elif kind == "drop":
            del lines[i]
        elif kind == "swap":
            k = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[k] = lines[k], lines[i]
        elif kind == "copy":
            lines.insert(i, lines[i])
        else:
            lines[i] = lines[i][: draw(st.integers(min_value=0, max_value=len(lines[i])))]
    return name, "\n".join(lines) + "\n"


# --- the property ------------------------------------------------------------------------------


def outcome(call: Callable[[], Any], origin: str) -> Any:
    """Run ``call``; return its result, or the :class:`EvidenceError` it raised, checked.

    The error must name ``origin``, carry a problem in words, and name a place unless the
    problem concerns the file as a whole (:data:`WHOLE_FILE_PROBLEMS`); a result must hold
    no NaN or infinity in any number. Any other exception propagates and fails the test.
    """
    try:
        result = call()
    except EvidenceError as exc:
        check_error(exc, origin)
        _count("refused, the whole file" if not exc.path else "refused, a place named")
        return exc
    assert_finite(result)
    _count("read")
    return result


def _count(what: str) -> None:
    # Shown by --hypothesis-show-statistics: how the inputs were answered.
    if currently_in_test_context():
        event(what)


def check_error(exc: EvidenceError, origin: str) -> None:
    """Assert that ``exc`` names the file, the place and the problem, on one line."""
    message = str(exc)
    assert exc.origin == origin, message
    assert message.startswith(f"{origin}: "), message
    assert exc.problem.strip(), message
    assert "Traceback" not in message, message
    assert "\n" not in message and "\r" not in message, message
    if not exc.path:
        # A field unknown at the top level, or a file's arm that is not the trial's, is
        # named in the problem itself.
        named = exc.problem.startswith(("unexpected field ", "arm ", "arm_map "))
        assert named or WHOLE_FILE_PROBLEMS.search(exc.problem), f"no place named: {message}"
    for path, problem in exc.problems:
        assert isinstance(path, str) and problem.strip(), exc.problems


def assert_finite(value: Any) -> None:
    """Assert that no float anywhere in ``value`` (dataclasses, tuples, maps) is NaN or inf."""
    for where, number in _floats(value, "result"):
        assert math.isfinite(number), f"{where} is {number!r}"


def _floats(value: Any, where: str) -> Iterator[tuple[str, float]]:
    stack: list[tuple[str, Any]] = [(where, value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, float):
            yield where, node
        elif dataclasses.is_dataclass(node) and not isinstance(node, type):
            stack.extend(
                (f"{where}.{f.name}", getattr(node, f.name)) for f in dataclasses.fields(node)
            )
        elif isinstance(node, Mapping | MappingProxyType):
            stack.extend((f"{where}[{k!r}]", v) for k, v in node.items())
        elif isinstance(node, list | tuple):
            stack.extend((f"{where}[{i}]", v) for i, v in enumerate(node))
