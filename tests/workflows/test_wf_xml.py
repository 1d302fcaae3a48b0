"""One XML parser for diagrams: no DTD, no entities, no network, on upload and on render (R-WF-1, issue 9 §9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflows.diagram_xml import DTD_REFUSED, parse
from workflows.engine import DiagramError, load_spec
from workflows.render import render_svg

DATA = Path(__file__).parent / "data"
WITH_DTD = [
    pytest.param(DATA / "refused_billion_laughs.bpmn", id="billion-laughs"),
    pytest.param(DATA / "refused_external_entity.bpmn", id="external-entity-file-etc-passwd"),
]


@pytest.mark.parametrize("path", WITH_DTD)
def test_r_wf_1_a_diagram_with_a_doctype_is_refused_on_load_and_on_render(path: Path) -> None:
    """The billion laughs and an external entity naming /etc/passwd: refused before anything else, with one
    clear Chinese message — by ``load_spec`` (what an upload calls) and by the SVG renderer alike."""
    for read in (load_spec, render_svg):
        with pytest.raises(DiagramError) as err:
            read(path.read_bytes())
        assert err.value.problems == (DTD_REFUSED,)
        assert "root:" not in str(err.value) and "lol" not in str(err.value)


def test_r_wf_1_a_doctype_in_another_encoding_is_refused_after_parsing() -> None:
    """The first check reads the UTF-8 prolog; a UTF-16 document's DOCTYPE is caught once parsed, before use."""
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY x "y">]><r a="&x;"/>'
    with pytest.raises(DiagramError) as err:
        parse(xml.encode("utf-16"))
    assert err.value.problems == (DTD_REFUSED,)


@pytest.mark.parametrize(
    "prolog",
    ["", "\ufeff", '<?xml version="1.0"?>\n<!-- 由建模工具导出 -->\n', "<?xml-stylesheet href='x'?>  "],
)
def test_r_wf_1_a_doctype_is_found_behind_any_prolog(prolog: str) -> None:
    with pytest.raises(DiagramError, match="DOCTYPE"):
        parse(prolog + '<!DOCTYPE r SYSTEM "http://example.invalid/r.dtd"><r/>')


def test_r_wf_1_text_mentioning_a_doctype_is_not_a_doctype() -> None:
    root = parse("<r><!-- <!DOCTYPE x> --><d>&lt;!DOCTYPE 示例&gt;</d></r>")
    assert root.findtext("d") == "<!DOCTYPE 示例>"


def test_r_wf_1_what_is_not_xml_is_refused_in_chinese() -> None:
    with pytest.raises(DiagramError, match="XML 解析失败"):
        parse(b"<bpmn:definitions>")
