"""Draws a BPMN diagram as SVG from its diagram-interchange data (R-WF-2: the diagram with the current step
highlighted), server-side, so the task list needs no JavaScript and works offline."""

from __future__ import annotations

from xml.sax.saxutils import escape

from lxml import etree

from workflows import diagram_xml
from workflows.roles import lane_label

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
EVENTS = {"startEvent", "endEvent", "intermediateThrowEvent", "intermediateCatchEvent", "boundaryEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway"}
HIGHLIGHT = "#d4380d"
DONE = "#389e0d"


def _label(text: str, x: float, y: float, size: int = 12, anchor: str = "middle") -> str:
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-family="Noto Sans CJK SC, sans-serif">{escape(text)}</text>'
    )


def _wrap(text: str, width: int) -> list[str]:
    per_line = max(1, int(width // 13))
    return [text[i : i + per_line] for i in range(0, len(text), per_line)] or [""]


def render_svg(
    xml: str | bytes, current: frozenset[str] | set[str] = frozenset(), done: frozenset[str] | set[str] = frozenset()
) -> str:
    """SVG of the diagram; elements in `current` are outlined in red, those in `done` in green.
    ``DiagramError`` for XML that ``diagram_xml.parse`` refuses (a DOCTYPE or entities, or not XML)."""
    root = diagram_xml.parse(xml)
    kinds: dict[str, tuple[str, str]] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or "id" not in el.attrib:
            continue
        kinds[el.get("id")] = (etree.QName(el).localname, el.get("name") or "")
    parts: list[str] = []
    max_x = max_y = 0.0
    shapes = root.findall(".//bpmndi:BPMNShape", NS)
    # pools and lanes first, so tasks draw on top of them
    shapes.sort(key=lambda s: 0 if kinds.get(s.get("bpmnElement"), ("",))[0] in {"participant", "lane"} else 1)
    for shape in shapes:
        element = shape.get("bpmnElement")
        kind, name = kinds.get(element, ("", ""))
        bounds = shape.find("dc:Bounds", NS)
        if bounds is None:
            continue
        x, y, w, h = (float(bounds.get(k)) for k in ("x", "y", "width", "height"))
        max_x, max_y = max(max_x, x + w), max(max_y, y + h)
        stroke = HIGHLIGHT if element in current else DONE if element in done else "#333"
        width = 3 if element in current or element in done else 1.2
        if kind in {"participant", "lane"}:
            fill = "#fafafa" if kind == "participant" else "none"
            name = lane_label(name) if kind == "lane" else name
            parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" stroke="#999"/>')
            parts.append(
                f'<text transform="translate({x + 18:.0f},{y + h / 2:.0f}) rotate(-90)" font-size="13" '
                f'text-anchor="middle" font-family="Noto Sans CJK SC, sans-serif">{escape(name)}</text>'
            )
        elif kind in EVENTS:
            r = w / 2
            ring = 3.5 if kind == "endEvent" else width
            parts.append(
                f'<circle cx="{x + r}" cy="{y + r}" r="{r}" fill="#fff" stroke="{stroke}" stroke-width="{ring}"/>'
            )
            if name:
                parts.append(_label(name, x + r, y + h + 16, 11))
        elif kind in GATEWAYS:
            cx, cy = x + w / 2, y + h / 2
            points = f"{cx},{y} {x + w},{cy} {cx},{y + h} {x},{cy}"
            parts.append(f'<polygon points="{points}" fill="#fff" stroke="{stroke}" stroke-width="{width}"/>')
            if kind == "exclusiveGateway":
                parts.append(_label("×", cx, cy + 7, 20))
            if name:
                parts.append(_label(name, cx, y - 6, 11))
        else:
            fill = "#fff1e6" if element in current else "#fff"
            parts.append(
                f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="10" fill="{fill}" stroke="{stroke}" '
                f'stroke-width="{width}"/>'
            )
            lines = _wrap(name, int(w) - 8)
            top = y + h / 2 - (len(lines) - 1) * 8 + 4
            for i, line in enumerate(lines):
                parts.append(_label(line, x + w / 2, top + i * 16))
    for edge in root.findall(".//bpmndi:BPMNEdge", NS):
        points = [(float(p.get("x")), float(p.get("y"))) for p in edge.findall("di:waypoint", NS)]
        if len(points) < 2:
            continue
        path = " ".join(f"{px},{py}" for px, py in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#555" marker-end="url(#arrow)"/>')
        _, name = kinds.get(edge.get("bpmnElement"), ("", ""))
        if name:
            (x1, y1), (x2, y2) = points[0], points[1]
            parts.append(_label(name, (x1 + x2) / 2 + 4, (y1 + y2) / 2 - 5, 11, "start"))
        for px, py in points:
            max_x, max_y = max(max_x, px), max(max_y, py)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {max_x + 40:.0f} {max_y + 40:.0f}" '
        f'width="100%" role="img"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        f'markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        f'fill="#555"/></marker></defs>'
    )
    return head + "".join(parts) + "</svg>"
