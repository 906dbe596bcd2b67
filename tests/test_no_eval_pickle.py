"""No code path can execute or unpickle what a user's file contains (issue 8, item 6).

The app reads evidence files, registry records and curve CSVs that come from anywhere.
Parsing them must never run code: no ``eval``/``exec``/``compile`` of text, no pickle,
``marshal`` or ``shelve`` (each runs arbitrary code on load), no ``yaml.load`` without a
safe loader, no ``numpy.load(allow_pickle=True)``, no ``pandas.read_pickle``. This test
scans every module of ``explorer/`` with :mod:`ast` (so comments and strings such as
"no eval, no pickle" in a docstring do not count, and Qt's ``dialog.exec()`` method is
not the builtin) and checks the scanner itself on small snippets.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "explorer"

#: Builtins that turn text into running code.
CODE_BUILTINS = frozenset({"eval", "exec", "compile", "__import__"})
#: Modules whose loaders run code from the data they read.
UNSAFE_MODULES = frozenset({"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill"})
#: ``module.attribute`` calls that unpickle (attribute names on any object).
UNSAFE_ATTRIBUTES = frozenset({"read_pickle", "unsafe_load", "full_load"})


def _dotted(node: ast.AST) -> str:
    """``a.b.c`` for a Name/Attribute chain, else ''."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _safe_yaml_loader(call: ast.Call) -> bool:
    """``yaml.load(text, Loader=SafeLoader)`` (or CSafeLoader / BaseLoader)."""
    loader = _keyword(call, "Loader")
    if loader is None and len(call.args) > 1:
        loader = call.args[1]
    return loader is not None and _dotted(loader).rsplit(".", 1)[-1] in {
        "SafeLoader",
        "CSafeLoader",
        "BaseLoader",
    }


def unsafe_calls(source: str, filename: str = "<snippet>") -> list[str]:
    """Every construct in ``source`` that could run code from data, as ``file:line: what``.

    Parameters
    ----------
    source : str
        Python source text.
    filename : str
        Named in each finding.

    Returns
    -------
    list of str
        Empty when the source is clean.
    """
    found = []
    tree = ast.parse(source, filename=filename)
    for node in ast.walk(tree):
        where = f"{filename}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names]
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else names
            for module in modules:
                if module.split(".")[0] in UNSAFE_MODULES:
                    found.append(f"{where}: imports {module}")
            continue
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        last = name.rsplit(".", 1)[-1]
        builtin = isinstance(node.func, ast.Name) and name in CODE_BUILTINS
        qualified = name in {f"builtins.{b}" for b in CODE_BUILTINS}
        unpickles = name.split(".")[0] in UNSAFE_MODULES or last in UNSAFE_ATTRIBUTES
        if builtin or qualified or unpickles:
            found.append(f"{where}: calls {name}()")
        elif name in {"yaml.load", "yaml.load_all"} and not _safe_yaml_loader(node):
            found.append(f"{where}: calls {name}() without a safe loader")
        elif last == "load" and _is_true(_keyword(node, "allow_pickle")):
            found.append(f"{where}: calls {name}(allow_pickle=True)")
    return found


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_sources_to_scan():
    # Guards against a wrong path making the real scan vacuous.
    names = {p.relative_to(PACKAGE).as_posix() for p in _sources()}
    assert {"evidence/load.py", "evidence/ctgov.py", "ui/main_window.py"} <= names


def test_no_module_of_the_app_evaluates_or_unpickles_data():
    findings = []
    for path in _sources():
        rel = path.relative_to(PACKAGE.parent).as_posix()
        findings += unsafe_calls(path.read_text(encoding="utf-8"), rel)
    assert findings == []


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("x = eval(text)", "calls eval()"),
        ("exec(code)", "calls exec()"),
        ("f = compile(src, 'f', 'exec')", "calls compile()"),
        ("import builtins\nbuiltins.eval(s)", "calls builtins.eval()"),
        ("import pickle", "imports pickle"),
        ("from pickle import loads", "imports pickle"),
        ("import shelve", "imports shelve"),
        ("marshal.loads(b)", "calls marshal.loads()"),
        ("obj = pickle.loads(data)", "calls pickle.loads()"),
        ("df = pd.read_pickle(path)", "calls pd.read_pickle()"),
        ("d = yaml.load(text)", "calls yaml.load() without a safe loader"),
        ("d = yaml.load(text, Loader=yaml.Loader)", "calls yaml.load() without a safe loader"),
        ("d = yaml.unsafe_load(text)", "calls yaml.unsafe_load()"),
        ("a = np.load(path, allow_pickle=True)", "calls np.load(allow_pickle=True)"),
        ("a = numpy.load(path, allow_pickle=True)", "calls numpy.load(allow_pickle=True)"),
    ],
)
def test_the_scanner_finds_each_unsafe_construct(snippet, expected):
    findings = unsafe_calls(snippet)
    assert len(findings) == 1 and findings[0].endswith(expected), findings


@pytest.mark.parametrize(
    "snippet",
    [
        "dialog.exec()",  # Qt's modal loop, a method, not the builtin
        "app.exec()",
        "d = yaml.load(text, Loader=yaml.SafeLoader)",
        "d = yaml.safe_load(text)",
        "a = np.load(path)",
        "a = np.load(path, allow_pickle=False)",
        "data = json.loads(text)",
        "result = evaluate(inputs)",
        "'''No eval, no pickle: json only.'''",
    ],
)
def test_the_scanner_passes_safe_code(snippet):
    assert unsafe_calls(snippet) == []
