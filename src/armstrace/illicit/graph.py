"""The network of source stockpiles, diversion groups, seizures and the people and vehicles in them.

Laid out in four columns (sources → groups → seizures → actors) so that a flow reads left to right
in a static SVG: no script, prints well, works offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

COLUMNS = ("source", "group", "seizure", "actor")
WIDTH, ROW, MARGIN, LABEL_ROOM = 980, 34, 20, 230  # the last column keeps room for its labels


@dataclass
class Node:
    key: str
    kind: str
    label: str
    url: str = ""
    x: float = 0
    y: float = 0


def build(groups: list[Any], seizures: dict[int, Any], parties: dict[int, list[Any]],
          sources: dict[int, set[str]]) -> dict[str, Any]:
    """Nodes and edges for accepted or proposed groups; `sources` maps group pk -> source site names."""
    nodes: dict[str, Node] = {}
    edges: list[tuple[str, str]] = []

    def node(key: str, kind: str, label: str, url: str = "") -> str:
        nodes.setdefault(key, Node(key, kind, label, url))
        return key

    for group in groups:
        g = node(f"g{group.pk}", "group", f"{group.kinds} ({group.confidence:.0%})", group.get_absolute_url())
        for name in sorted(sources.get(group.pk, ())):
            edges.append((node(f"s:{name}", "source", name), g))
        for seizure_id in group.seizure_ids:
            seizure = seizures.get(seizure_id)
            if seizure is None:
                continue
            s = node(f"z{seizure_id}", "seizure", str(seizure), seizure.get_absolute_url())
            edges.append((g, s))
            for party in parties.get(seizure_id, []):
                edges.append((s, node(f"p{party.pk}", "actor", f"{party.name} ({party.get_kind_display()})",
                                      party.get_absolute_url())))
    per_column: dict[str, list[Node]] = {c: [] for c in COLUMNS}
    for n in nodes.values():
        per_column[n.kind].append(n)
    height = MARGIN * 2 + ROW * max([len(v) for v in per_column.values()] + [1])
    for index, column in enumerate(COLUMNS):
        items = sorted(per_column[column], key=lambda n: n.label)
        offset = (height - ROW * len(items)) / 2
        for row, n in enumerate(items):
            n.x = MARGIN + index * (WIDTH - MARGIN - LABEL_ROOM) / (len(COLUMNS) - 1)
            n.y = offset + ROW * row + ROW / 2
    lines = [(nodes[a], nodes[b]) for a, b in edges]
    return {"nodes": list(nodes.values()), "edges": lines, "width": WIDTH, "height": height}
