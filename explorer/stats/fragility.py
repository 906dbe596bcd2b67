"""Fragility index of a two-arm binary comparison, and its reverse for a null result.

A p value just below 0.05 can rest on one or two patients. The *fragility index*
(Walsh et al. 2014) counts how many patients would have to have had the event, instead
of not, to lose significance; the *reverse fragility index* (Khan et al. 2020) counts how
many changes a non-significant result is away from significance. Both use the two-sided
Fisher exact test, with R's rule for ties (``fisher.test``), on the table

====== ======== ============
group  events   non-events
====== ======== ============
1      ``k1``   ``n1 - k1``
2      ``k2``   ``n2 - k2``
====== ======== ============

Group sizes never change: a change moves one patient between the event and non-event
columns of one group. Checked against loops over R ``fisher.test`` in
``tests/reference/fragility.R``.

References
----------
.. [1] Walsh M, Srinathan SK, McAuley DF, et al. The statistical significance of
   randomized controlled trial results is frequently fragile: a case for a Fragility
   Index. J Clin Epidemiol 2014;67:622-628.
.. [2] Khan MS, Fonarow GC, Friede T, et al. Application of the reverse fragility index
   to statistically nonsignificant randomized clinical trial results. JAMA Netw Open
   2020;3(8):e2012469.
"""

from __future__ import annotations

from numbers import Integral

from explorer.stats._results import Result, result
from explorer.stats.binary import _fisher_p

__all__ = ["FragilityMove", "FragilityResult", "fragility_index"]

#: Direction of a change, in words.
TO_EVENT = "non-event to event"
TO_NON_EVENT = "event to non-event"


@result
class FragilityMove(Result):
    """One way of changing patients in one group, and how many changes it needs.

    Attributes
    ----------
    group : int
        1 or 2: the group whose patients change.
    direction : str
        ``"non-event to event"`` (its events go up) or ``"event to non-event"``.
    changes : int or None
        Changes needed to cross the significance boundary; ``None`` when this move
        never crosses it before the group runs out of patients to change.
    p_final : float or None
        Fisher p after the last change (``None`` with ``changes``).
    """

    group: int
    direction: str
    changes: int | None
    p_final: float | None


@result
class FragilityResult(Result):
    """Fragility index (significant result) or reverse fragility index (non-significant).

    Attributes
    ----------
    index : int or None
        The smallest number of patients whose outcome has to change to cross
        ``alpha``; ``None`` when no change of one group's patients crosses it (e.g. the
        4 vs 4 table 3/4 vs 1/4: no single group change reaches p < 0.05).
    reverse : bool
        ``True`` for the reverse fragility index (the initial result is not
        significant); always ``not significant``.
    significant : bool
        Whether the initial two-sided Fisher p is below ``alpha``.
    p_initial : float
        Fisher p of the table as given.
    p_final : float or None
        Fisher p after the last change of the path taken (``None`` with ``index``).
    modified_group : int or None
        The group (1 or 2) whose patients change on the path taken.
    direction : str or None
        ``"non-event to event"`` or ``"event to non-event"`` on the path taken.
    steps : tuple of (int, int, float)
        ``(k1, k2, p)`` after each change along the path taken; ``len(steps) == index``.
    moves : tuple of FragilityMove
        Every move that was evaluated: one for the fragility index (Walsh), four for
        the reverse index (either group, either direction).
    alpha : float
        Significance level.
    """

    index: int | None
    reverse: bool
    significant: bool
    p_initial: float
    p_final: float | None
    modified_group: int | None
    direction: str | None
    steps: tuple[tuple[int, int, float], ...]
    moves: tuple[FragilityMove, ...]
    alpha: float


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    return int(value)


def _walk(
    k1: int, n1: int, k2: int, n2: int, group: int, step: int, crossed
) -> tuple[int | None, tuple[tuple[int, int, float], ...]]:
    """Change one group's patients one at a time until ``crossed(p)``; the path taken."""
    path: list[tuple[int, int, float]] = []
    a, b = k1, k2
    while True:
        if group == 1:
            a += step
            if not 0 <= a <= n1:
                return None, tuple(path)
        else:
            b += step
            if not 0 <= b <= n2:
                return None, tuple(path)
        p = _fisher_p(a, n1, b, n2)
        path.append((a, b, p))
        if crossed(p):
            return len(path), tuple(path)


def fragility_index(k1: int, n1: int, k2: int, n2: int, *, alpha: float = 0.05) -> FragilityResult:
    r"""Fragility index of a significant 2×2 result, or reverse index of a non-significant one.

    Parameters
    ----------
    k1, n1 : int
        Events and patients in group 1 (treatment), ``0 <= k1 <= n1``, ``n1 >= 1``.
    k2, n2 : int
        Events and patients in group 2 (control).
    alpha : float, default 0.05
        Two-sided significance level, in (0, 1).

    Returns
    -------
    FragilityResult
        ``index, reverse, significant, p_initial, p_final, modified_group, direction,
        steps, moves, alpha``.

    Raises
    ------
    ValueError
        If a count is not a whole number, ``k > n``, a group is empty or ``alpha`` is
        outside (0, 1).

    Notes
    -----
    **Fragility index** (initial Fisher p < ``alpha``), as Walsh et al. [1]_: in the
    group with fewer events, patients are changed from non-event to event one at a
    time (group size kept) until the two-sided Fisher p is ≥ ``alpha``; the number of
    changes is the index. Ties in the number of events go to the group with the lower
    event proportion. When the group with fewer events has the *higher* proportion
    (possible only with unequal group sizes), adding events there moves away from no
    difference and never loses significance, so the group with the lower proportion is
    used instead (for equal-sized or PALMIRA's groups the two rules agree).

    **Reverse fragility index** (initial p ≥ ``alpha``), after Khan et al. [2]_: the
    fewest changes of one group's patients that make p < ``alpha``. Which group and
    which direction is not fixed by the method, so all four moves are evaluated (group
    1 or 2; non-event → event or event → non-event, each continued until the group runs
    out of patients to change) and the smallest count is taken. On a tie, the move that
    keeps the observed direction of the difference is preferred, then group 1, then
    non-event → event. A move that crosses to significance only on the far side of no
    difference counts too (it is the fewest changes to significance), but in practice
    it is never the smallest.

    Only one group changes along a path, as in both papers; a mix of changes in both
    groups can need fewer (``index`` is then an upper bound on that wider definition).

    Edge cases (``docs/edge-cases.md``): no events in either arm (or events in all) is
    not significant, and the reverse index counts the events one arm must gain (or lose)
    to become significant (5 for 0/10 vs 0/10). When no single-group change can reach
    significance (1/1 vs 0/1, tables too small for any Fisher p below ``alpha``),
    ``index`` is None (R's brute force: NA), never a number.

    Examples
    --------
    PALMIRA grade 3–4 adverse events, 61/135 vs 5/60 (reconstructed counts): 13 more
    events in the control group would make the difference non-significant.

    >>> res = fragility_index(61, 135, 5, 60)
    >>> res.significant, res.index, res.modified_group, res.direction
    (True, 13, 2, 'non-event to event')

    Response, 6/94 vs 1/44, not significant: the reverse index.

    >>> res = fragility_index(6, 94, 1, 44)
    >>> res.reverse, res.index, res.modified_group, res.direction
    (True, 7, 1, 'non-event to event')
    """
    k1, n1, k2, n2 = (
        _count(v, name) for v, name in ((k1, "k1"), (n1, "n1"), (k2, "k2"), (n2, "n2"))
    )
    for k, n, g in ((k1, n1, "1"), (k2, n2, "2")):
        if n < 1:
            raise ValueError(f"n{g} must be >= 1, got {n}")
        if not 0 <= k <= n:
            raise ValueError(f"k{g} must be between 0 and n{g} = {n}, got {k}")
    if not (isinstance(alpha, int | float) and 0.0 < alpha < 1.0):
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")

    p0 = _fisher_p(k1, n1, k2, n2)
    significant = p0 < alpha
    r1, r2 = k1 / n1, k2 / n2

    if significant:
        # Walsh: the group with fewer events; a tie goes to the lower proportion.
        fewer = (k1 < k2) if k1 != k2 else (r1 < r2)
        group = 1 if fewer else 2
        # The group with fewer events must also have the lower proportion, or adding
        # events there moves away from no difference (see Notes).
        if (group == 1 and r1 > r2) or (group == 2 and r2 > r1):
            group = 3 - group
        changes, path = _walk(k1, n1, k2, n2, group, +1, lambda p: p >= alpha)
        moves = (
            FragilityMove(
                group=group,
                direction=TO_EVENT,
                changes=changes,
                p_final=path[-1][2] if changes is not None else None,
            ),
        )
        return FragilityResult(
            index=changes,
            reverse=False,
            significant=True,
            p_initial=p0,
            p_final=path[-1][2] if changes is not None else None,
            modified_group=group if changes is not None else None,
            direction=TO_EVENT if changes is not None else None,
            steps=path if changes is not None else (),
            moves=moves,
            alpha=float(alpha),
        )

    sign0 = (r1 > r2) - (r1 < r2)
    candidates = []
    moves = []
    for group in (1, 2):
        for step, direction in ((+1, TO_EVENT), (-1, TO_NON_EVENT)):
            changes, path = _walk(k1, n1, k2, n2, group, step, lambda p: p < alpha)
            moves.append(
                FragilityMove(
                    group=group,
                    direction=direction,
                    changes=changes,
                    p_final=path[-1][2] if changes is not None else None,
                )
            )
            if changes is None:
                continue
            a, b, _ = path[-1]
            sign = (a / n1 > b / n2) - (a / n1 < b / n2)
            keeps_direction = sign0 == 0 or sign == sign0
            candidates.append(
                ((changes, not keeps_direction, group, step != +1), group, direction, path)
            )
    if not candidates:
        return FragilityResult(
            index=None,
            reverse=True,
            significant=False,
            p_initial=p0,
            p_final=None,
            modified_group=None,
            direction=None,
            steps=(),
            moves=tuple(moves),
            alpha=float(alpha),
        )
    _, group, direction, path = min(candidates, key=lambda c: c[0])
    return FragilityResult(
        index=len(path),
        reverse=True,
        significant=False,
        p_initial=p0,
        p_final=path[-1][2],
        modified_group=group,
        direction=direction,
        steps=path,
        moves=tuple(moves),
        alpha=float(alpha),
    )
