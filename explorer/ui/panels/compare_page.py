"""The Compare page of the main window: the trial on show beside its peers, pooled.

A thin frame around :class:`~explorer.ui.panels.compare_panel.ComparePanel`. The
candidates are the bundled trials and the library's trials (each at its newest data
cut), read when the page is first shown and again after the library changes, so
start-up never pays for them. The trial on show is always among them: when it is an
older data cut (or a file outside the library) it is offered as well, unchecked unless
the comparison's defaults pick it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout, QWidget

from .base import Panel
from .compare_panel import ComparePanel

if TYPE_CHECKING:
    from explorer.analysis import Summary
    from explorer.evidence import Evidence

#: Candidates are read this many trials at most (newest first): the comparison list is
#: for picking a handful of peers, not for browsing the library.
MAX_CANDIDATES = 200


class ComparePage(Panel):
    """The trial on show and its peers on one forest plot, with pooled estimates."""

    name = "compare"
    title = "Compare trials"

    def __init__(
        self,
        candidates: Callable[[], Sequence[tuple[str, Evidence]]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.compare = ComparePanel()
        self._candidates = candidates
        self._stale = True
        self._current: Evidence | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.compare)

    def set_candidates(self, candidates: Callable[[], Sequence[tuple[str, Evidence]]]) -> None:
        """Where the trials to choose from come from; read on the next show."""
        self._candidates = candidates
        self.invalidate()

    def invalidate(self) -> None:
        """The library changed: read the candidates again when next shown."""
        self._stale = True
        if self.isVisible():
            self._load()

    def set_summary(self, summary: Summary) -> None:
        self._current = summary.evidence
        self.invalidate()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._load()

    def _load(self) -> None:
        self._stale = False
        trials = list(self._candidates()) if self._candidates is not None else []
        current = self._current
        if current is not None and not any(_same_cut(ev, current) for _, ev in trials):
            # Another data cut of a listed trial, or a trial from a file: offered first,
            # beside (not instead of) the library's newest cut of the same trial.
            trials.insert(0, (candidate_label(current), current))
        self.compare.set_trials(trials)


def candidate_label(evidence: Evidence) -> str:
    """ "PALMIRA — Final PFS analysis (J Clin Oncol 2025)"."""
    return f"{evidence.trial.acronym} — {evidence.data_cut.label}"


def _same_cut(a: Evidence, b: Evidence) -> bool:
    return (a.trial.registry_id, a.data_cut.label) == (b.trial.registry_id, b.data_cut.label)
