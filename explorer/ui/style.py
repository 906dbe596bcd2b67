"""One visual vocabulary for every panel: arm colours, status marks, level colours.

Arm colours are from the Okabe–Ito palette (distinguishable with the common forms
of colour-blindness); the treatment arm is always blue and the control arm always
orange, in tables, plots and legends alike.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from explorer.analysis import STATUS_MARKS

#: Okabe–Ito colours, in the order arms are assigned them (treatment first).
ARM_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
#: Colour of a control arm whatever its position.
CONTROL_COLOUR = "#E69F00"
#: Neutral colour for pooled or between-arm quantities (effects, differences).
EFFECT_COLOUR = "#333333"
#: Check levels.
LEVEL_COLOURS = {"pass": "#1B7837", "note": "#8C6D00", "warn": "#B2182B"}
#: Status colours for the provenance marks (text stays black; the mark carries the status).
STATUS_COLOURS = {"reported": "#1A1A1A", "derived": "#0072B2", "reconstructed": "#882255"}


def arm_colours(evidence) -> dict[str, str]:
    """Arm id → hex colour: treatment arms take the palette in order, the control is orange."""
    colours: dict[str, str] = {}
    palette = [c for c in ARM_PALETTE if c != CONTROL_COLOUR]
    for arm in evidence.arms:
        if arm.role == "control":
            colours[arm.id] = CONTROL_COLOUR
        else:
            colours[arm.id] = palette[len(colours) % len(palette)]
    return colours


def qcolor(hex_colour: str, alpha: int = 255) -> QColor:
    """A QColor from ``#RRGGBB`` with an optional alpha (0–255)."""
    colour = QColor(hex_colour)
    colour.setAlpha(alpha)
    return colour


def status_mark(status: str) -> str:
    """The one mark used everywhere for a provenance status."""
    return STATUS_MARKS.get(status, "?")
