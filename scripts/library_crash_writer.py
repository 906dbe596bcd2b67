"""Write to a library in a loop, acknowledging each save, until killed.

Used by ``tests/evidence/test_library_crash.py``, which kills this process at random
moments and then checks that the library is intact and holds every acknowledged save.

Usage: ``python scripts/library_crash_writer.py LIBRARY START``. Prints ``ready`` once
the library is open, then for n = START, START + 1, ... makes one save, chosen by
``n % 8`` (:func:`action`), and prints ``ack <n>`` after it has committed:

* 0 or 4: a new note on PALMIRA's figure ``"crash.<n>"``, text ``"saved <n>"``;
* 1 or 5: a data cut, the synthetic trial number n;
* 2 or 6: the PALMIRA trial note (no figure) rewritten as ``"update <n>"``;
* 3: the note ``"crash.<n - 3>"`` deleted (saved as empty text);
* 7: the note ``"crash.<n - 3>"`` rewritten as ``"edited <n>"``.

Every save is idempotent, so a save that committed but was killed before its ``ack`` can
be made again by the next writer started at the same n.
"""

from __future__ import annotations

import sys

from explorer import resources
from explorer.evidence import load_bundled
from explorer.evidence.library import Library, synthetic_variant

#: n % 8 -> what save n does.
ACTIONS = {
    0: "insert",
    1: "cut",
    2: "update",
    3: "delete",
    4: "insert",
    5: "cut",
    6: "update",
    7: "edit",
}


def action(n: int) -> str:
    """What save ``n`` does: "insert", "cut", "update", "delete" or "edit"."""
    return ACTIONS[n % 8]


def main(path: str, start: int) -> None:
    template = load_bundled()
    lib = Library(path, bundled=(resources.PALMIRA,))
    trial_id = lib.trial_id_for(template)
    print("ready", flush=True)
    n = start
    while True:
        kind = action(n)
        if kind == "insert":
            lib.set_note(trial_id, f"saved {n}", figure_id=f"crash.{n}")
        elif kind == "cut":
            lib.add_evidence(synthetic_variant(template, n), origin=f"crash-{n}.json")
        elif kind == "update":
            lib.set_note(trial_id, f"update {n}")
        elif kind == "delete":
            lib.set_note(trial_id, "", figure_id=f"crash.{n - 3}")
        else:
            lib.set_note(trial_id, f"edited {n}", figure_id=f"crash.{n - 3}")
        print(f"ack {n}", flush=True)
        n += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
