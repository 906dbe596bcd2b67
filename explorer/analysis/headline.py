"""The primary result in one line, from reported figures only (no statistics needed).

Shared by :meth:`Summary.primary_result` and the window header, which paints it
before the derived figures are computed.
"""

from __future__ import annotations

from explorer.evidence import Evidence, TimeToEventEndpoint

from .figures import format_number


def primary_result(evidence: Evidence) -> str:
    """The primary endpoint's result in one line.

    E.g. ``Progression-free survival: median 4.2 vs 3.6 months; HR 0.8 (95% CI 0.6–1.1),
    p = 0.206``.
    """
    ep = evidence.primary_endpoint
    if not isinstance(ep, TimeToEventEndpoint):
        return ep.name
    parts = [ep.name]
    t, c = evidence.treatment_arm, evidence.control_arm
    mt, mc = ep.medians.get(t.id), ep.medians.get(c.id)
    if mt is not None and mc is not None:
        parts.append(
            f"median {format_number(mt.value, mt.decimals)} vs "
            f"{format_number(mc.value, mc.decimals)} {ep.unit}"
        )
    if ep.effect is not None:
        e = ep.effect.estimate
        text = f"{ep.effect.kind} {format_number(e.value, e.decimals)}"
        if e.has_ci:
            lo, hi = format_number(e.lower, e.decimals), format_number(e.upper, e.decimals)
            text += f" ({e.level:.0%} CI {lo}–{hi})"
        if ep.effect.p is not None:
            text += f", p = {format_number(ep.effect.p.value, ep.effect.p.decimals)}"
        parts.append(text)
    return f"{parts[0]}: " + "; ".join(parts[1:]) if len(parts) > 1 else parts[0]
