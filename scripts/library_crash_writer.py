"""Write to a library in a loop, acknowledging each save, until killed.

Used by ``tests/evidence/test_library_crash.py``, which kills this process at random
moments and then checks that the library is intact and holds every acknowledged save.

Usage: ``python scripts/library_crash_writer.py LIBRARY START``. Prints ``ready`` once
the library is open, then for n = START, START + 1, ... saves either a note (even n:
figure ``"crash.<n>"`` of PALMIRA, text ``"saved <n>"``) or a data cut (odd n: the
synthetic trial number n) and prints ``ack <n>`` after the save has committed.
"""

from __future__ import annotations

import sys

from explorer import resources
from explorer.evidence import load_bundled
from explorer.evidence.library import Library, synthetic_variant


def main(path: str, start: int) -> None:
    template = load_bundled()
    lib = Library(path, bundled=(resources.PALMIRA,))
    trial_id = lib.trial_id_for(template)
    print("ready", flush=True)
    n = start
    while True:
        if n % 2 == 0:
            lib.set_note(trial_id, f"saved {n}", figure_id=f"crash.{n}")
        else:
            lib.add_evidence(synthetic_variant(template, n), origin=f"crash-{n}.json")
        print(f"ack {n}", flush=True)
        n += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
