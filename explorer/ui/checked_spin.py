"""A number entry that says what it refused, and why.

``QDoubleSpinBox`` keeps a value in its range silently: a key that cannot lead to a
number in range is dropped without a sound, and an out-of-range or empty entry is
replaced on Enter. For a design parameter that hides mistakes that matter: typing
"1.5" as a hazard ratio limited to 0.10–0.99 drops the "1" and leaves 0.5, a strong
benefit, and clearing the field and pressing Enter sets the minimum. :class:`CheckedSpinBox`
behaves the same but emits :attr:`~CheckedSpinBox.problem` with one plain sentence (the
field, what was typed, the allowed range) whenever it refuses a key or corrects an
entry; an empty or unreadable entry gets the previous value back instead of the minimum.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QWidget

__all__ = ["CheckedSpinBox"]


class CheckedSpinBox(QDoubleSpinBox):
    """A ``QDoubleSpinBox`` that reports refused keys and corrected entries.

    Parameters
    ----------
    name : str
        The field's name, as the message starts ("Hypothesised hazard ratio").
    hint : str
        Said after the range, e.g. "(a design hazard ratio is below 1)".

    Signals
    -------
    problem(str)
        What was refused or corrected and what to enter instead; an empty string once
        an edit finishes with nothing refused (the message can be cleared).
    """

    problem = Signal(str)

    def __init__(self, name: str = "", *, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.hint = hint
        self._refused: str | None = None  # the first key refused in this edit
        self._refused_any = False
        self.editingFinished.connect(self._on_editing_finished)

    # -- messages ------------------------------------------------------------------------
    def _shown(self, value: float) -> str:
        """``value`` as the box shows it, with its suffix ("0.10", "50%")."""
        return f"{self.textFromValue(value)}{self.suffix()}".strip()

    def allowed(self) -> str:
        """The allowed range in words: "a number from 0.10 to 0.99"."""
        text = f"a number from {self._shown(self.minimum())} to {self._shown(self.maximum())}"
        return f"{text} {self.hint}" if self.hint else text

    def _typed(self, text: str) -> str:
        """The number part of the editor's ``text`` (prefix and suffix removed)."""
        body = text.removeprefix(self.prefix()) if self.prefix() else text
        body = body.removesuffix(self.suffix()) if self.suffix() else body
        return body.strip()

    def _why(self, typed: str) -> str:
        value, ok = self.locale().toDouble(typed)
        if not ok:
            if typed.lstrip().startswith("-") and self.minimum() >= 0:
                return "negative numbers are not allowed"
            return "it is not a number"
        if value > self.maximum():
            return f"it is above the maximum, {self._shown(self.maximum())}"
        if value < self.minimum():
            return f"it is below the minimum, {self._shown(self.minimum())}"
        return f"at most {self.decimals()} decimals are kept"

    def _report(self, clause: str, *, key: bool = False) -> None:
        """Emit ``clause`` (after the first key refused in this edit, if any)."""
        self._refused_any = True
        if key:
            if self._refused is not None:
                return  # the first refusal says it; later keys would only repeat it
            self._refused = clause
            clauses = [clause]
        elif clause.startswith("so ") and self._refused is not None:
            clauses = [f"{self._refused}, {clause}"]
        else:
            clauses = [c for c in (self._refused, clause) if c]
        self.problem.emit(f"{self.name}: {'; '.join(clauses)}. Enter {self.allowed()}.")

    # -- Qt overrides ----------------------------------------------------------------------
    def validate(self, text: str, pos: int):
        result = super().validate(text, pos)
        state = result[0] if isinstance(result, tuple) else result
        typed = self._typed(text)
        if state == QValidator.State.Invalid and typed:
            self._report(f"'{typed}' was not accepted ({self._why(typed)})", key=True)
        return result

    def fixup(self, text: str) -> str:
        """An entry that is not acceptable when editing ends: clamp it, or keep the old value.

        A number out of range is clamped (the correction the panels ask for); an empty
        or unreadable entry, or what is left of one whose keys were refused, keeps the
        previous value rather than Qt's default (the minimum).
        """
        typed = self._typed(text)
        previous = self._shown(self.value())
        value, ok = self.locale().toDouble(typed)
        keep = self.textFromValue(self.value()) + self.suffix()
        if not typed:
            self._report(f"the entry was empty, so it stays at {previous}")
            return keep
        if self._refused is not None:
            self._report(f"so it stays at {previous}")
            return keep
        if not ok:
            self._report(f"'{typed}' is not a number, so it stays at {previous}")
            return keep
        clamped = min(max(value, self.minimum()), self.maximum())
        self._report(f"'{typed}' is outside the range, so it was set to {self._shown(clamped)}")
        return self.textFromValue(clamped) + self.suffix()

    def _on_editing_finished(self) -> None:
        if not self._refused_any:
            self.problem.emit("")
        self._refused, self._refused_any = None, False
