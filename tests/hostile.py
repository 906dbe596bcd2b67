"""A trial whose every name, label and quote is marked up, to prove text stays text.

The marker holds bold, an image with a script handler, an entity and a link: anything
that renders it as HTML shows bold text, a broken image or "&" instead of "&amp;".
"""

from __future__ import annotations

import json

from explorer import resources

MARKER = '<b>bold</b> <img src=x onerror=alert(1)> &amp; <a href="x">link</a>'


def marked(text: str) -> str:
    return f"{text} {MARKER}"


def mark_quotes(node: object) -> None:
    """Every ``source.quote`` in the evidence JSON, marked (in place)."""
    if isinstance(node, dict):
        source = node.get("source")
        if isinstance(source, dict) and isinstance(source.get("quote"), str):
            source["quote"] = marked(source["quote"])
        for value in node.values():
            mark_quotes(value)
    elif isinstance(node, list):
        for value in node:
            mark_quotes(value)


def hostile_palmira(cut_label: str = "Primary PFS analysis") -> dict:
    """The bundled PALMIRA evidence as JSON with the marker in every name it shows."""
    data = json.loads(resources.read_text(resources.PALMIRA))
    trial = data["trial"]
    for key in ("acronym", "title", "population", "setting"):
        trial[key] = marked(trial[key])
    trial["citation"]["text"] = marked(trial["citation"]["text"])
    data["data_cut"]["label"] = marked(cut_label)
    for arm in data["arms"]:
        arm["label"] = marked(arm["label"])
        arm["description"] = marked(arm["description"])
    for population in data["populations"]:
        population["label"] = marked(population["label"])
    for endpoint in data["endpoints"]:
        endpoint["name"] = marked(endpoint["name"])
    for event in data["adverse_events"]:
        event["term"] = marked(event["term"])
    for document in data["documents"]:
        document["title"] = marked(document["title"])
    mark_quotes(data)
    return data
