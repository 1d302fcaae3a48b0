"""The one XML parser for approval diagrams (R-WF-1): validation, the engine and the SVG all read a diagram here.

A diagram never needs a DTD, so a document type declaration (and with it every entity declaration: the
"billion laughs", an external entity naming ``file:///etc/passwd`` or a URL) is refused before the parser
sees the document — libxml2 expands entities in attribute values even when told not to resolve them. The
parser itself loads no DTD, resolves no entity, never touches the network and keeps libxml2's size limits;
a DOCTYPE that slips past the first check (another encoding) is refused after parsing, before any use.
"""

from __future__ import annotations

import re

from lxml import etree

from workflows.errors import DiagramError

__all__ = ["DTD_REFUSED", "parse"]

DTD_REFUSED = "流程图不能包含 DOCTYPE 文档类型声明或实体（ENTITY）定义；请用 BPMN 建模工具重新导出后再上传"
# What may precede the root element: a byte-order mark, the XML declaration, processing instructions,
# comments and white space. A DOCTYPE can only stand there (and entities only inside a DOCTYPE).
_PROLOG_DOCTYPE = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:\s|<\?.*?\?>|<!--.*?-->)*<!DOCTYPE", re.DOTALL)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )


def parse(xml: bytes | str) -> etree._Element:
    """The root element of a diagram's XML; ``DiagramError`` (in Chinese) if it declares a DTD or is not XML."""
    data = xml.encode("utf-8") if isinstance(xml, str) else bytes(xml)
    if _PROLOG_DOCTYPE.match(data):
        raise DiagramError([DTD_REFUSED])
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as err:
        raise DiagramError([f"XML 解析失败：{err}"]) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise DiagramError([DTD_REFUSED])
    return root
