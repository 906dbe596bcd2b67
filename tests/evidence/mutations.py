"""Mutations of evidence data for the validator's tests: one broken field at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def set_at(*keys: Any, value: Any) -> Callable[[Any], None]:
    """A mutation that sets ``data[k0][k1]...[kn] = value``."""

    def mutate(data: Any) -> None:
        node = data
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value

    return mutate


def delete_at(*keys: Any) -> Callable[[Any], None]:
    """A mutation that deletes ``data[k0][k1]...[kn]``."""

    def mutate(data: Any) -> None:
        node = data
        for key in keys[:-1]:
            node = node[key]
        del node[keys[-1]]

    return mutate
