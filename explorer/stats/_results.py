"""Shared base for the frozen result objects every statistics function returns."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np


class Result:
    """Mixin for frozen dataclass results: named fields, a plain-dict view.

    Results are immutable (``@dataclass(frozen=True)``) and never bare tuples,
    as scipy's result objects are; ``to_dict()`` gives JSON-ready values.
    """

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a dict (numpy arrays become lists)."""
        out: dict[str, Any] = {}
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if hasattr(value, "tolist"):
                value = value.tolist()
            out[field.name] = value
        return out


def result(cls: type) -> type:
    """Class decorator: a frozen, slotted, keyword-only dataclass result."""
    return dataclasses.dataclass(frozen=True, slots=True, kw_only=True)(cls)


def read_only(arr: np.ndarray) -> np.ndarray:
    """Mark ``arr`` read-only and return it, so a frozen result's arrays stay frozen too."""
    arr.setflags(write=False)
    return arr
