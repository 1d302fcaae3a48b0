"""Build the GB 2312 subsets of the Noto CJK SC faces that official notices use (called by fonts.sh).

WeasyPrint copies and re-subsets every font a PDF uses, for every PDF: with the 20–27 MB Noto CJK collections that
was most of the time of a notice, and the retained glyph ids (up to 65,535) made each embedded subset 100–650 KB.
These fonts hold the same outlines and metrics for GB 2312's 7,445 characters (and ASCII, Latin-1, punctuation,
full-width forms): one face, about 14,000 glyphs, 3.5–5 MB, the common characters' glyphs first. The CSS stacks
name them after the official families and before the full Noto faces, which draw any character outside GB 2312
with the same design.

    python3 scripts/cjk_subsets.py OUTDIR        # needs fontTools; skips fonts already built

Each font is renamed (family "<Noto family> GB2312") so fontconfig never confuses it with the full face.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont, TTLibError

NOTO = Path("/usr/share/fonts/opentype/noto")
# (collection, family inside it, style): the faces gbt9704.css names.
FACES = (
    ("NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC", "Bold"),  # 小标宋 stand-in: issuer mark, title
    ("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", "Regular"),  # 黑体 stand-in: headings, table headers
)
SUFFIX = "GB2312"
# In each font's unique id (name 3): bump it when the build changes, so that fonts.sh rebuilds the fonts.
BUILD = "gb2312-subset-1"
# Names that say which font this is; every other record (copyright, licence, trademark, designers) is kept.
RENAMED_IDS = (1, 2, 3, 4, 6, 16, 17, 21, 22)
EXTRA_RANGES = (
    range(0x20, 0x7F),  # ASCII
    range(0xA0, 0x100),  # Latin-1
    range(0x2000, 0x2070),  # general punctuation (— … ‘ ’ “ ”)
    range(0x2100, 0x2200),  # letterlike symbols and number forms (℃ № Ⅰ)
    range(0x2460, 0x2500),  # enclosed alphanumerics (①)
    range(0x3000, 0x3040),  # CJK symbols and punctuation (、。〔〕《》)
    range(0xFF00, 0xFFF0),  # full-width forms
)


def gb2312() -> list[int]:
    """GB 2312's characters in code order: symbols, then level 1 (the 3,755 common hanzi), then level 2."""
    chars = []
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return chars


def reorder(font: TTFont, order: list[int]) -> None:
    """Give the glyphs of the characters in `order` the lowest glyph ids, in that order.

    WeasyPrint keeps glyph ids when it subsets a font into a PDF, so the embedded subset has as many (mostly
    empty) glyphs as the highest id used: with common characters first, a notice's subset stays small.
    """
    cff = font["CFF "].cff.topDictIndex[0]
    old = font.getGlyphOrder()
    cmap = font.getBestCmap()
    rank: dict[str, int] = {}
    for position, char in enumerate(order):
        glyph = cmap.get(char)
        if glyph is not None:
            rank.setdefault(glyph, position)
    new = [old[0]] + sorted(old[1:], key=lambda g: rank.get(g, len(order)))  # stable: the rest keep their order
    fd_select = getattr(cff, "FDSelect", None)
    fd_of = dict(zip(old, fd_select.gidArray, strict=True)) if fd_select is not None else {}
    font.reorderGlyphs(new)  # layout tables, charset and charstrings; not FDSelect
    if fd_select is not None:
        fd_select.gidArray = [fd_of[g] for g in new]
        fd_select.format = None


def face_index(collection: Path, family: str) -> int:
    fonts = TTCollection(str(collection), lazy=True).fonts
    for index, font in enumerate(fonts):
        if family in (font["name"].getDebugName(16), font["name"].getDebugName(1)):
            return index
    raise LookupError(f"{family} is not in {collection}")


def rename(font: TTFont, family: str, style: str) -> None:
    name = font["name"]
    name.names = [record for record in name.names if record.nameID not in RENAMED_IDS]
    postscript = f"{family.replace(' ', '')}-{style}"
    version = font["head"].fontRevision
    for name_id, text in (
        (1, family),
        (2, style),
        (3, f"{version:.3f};{postscript};{BUILD}"),
        (4, f"{family} {style}" if style != "Regular" else family),
        (6, postscript),
    ):
        name.setName(text, name_id, 3, 1, 0x409)


def build(source: Path, family: str, style: str, out: Path) -> None:
    font = TTFont(str(source), fontNumber=face_index(source, family))
    options = subset.Options()
    # Keep everything but the characters: all layout features (Pango shapes with them), hinting, the names.
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables = []
    options.passthrough_tables = True
    options.hinting = True
    options.legacy_kern = True
    subsetter = subset.Subsetter(options)
    common = [*range(0x20, 0x7F), *gb2312()]
    subsetter.populate(unicodes=set(common).union(*EXTRA_RANGES))
    subsetter.subset(font)
    reorder(font, common)
    rename(font, f"{family} {SUFFIX}", style)
    partial = out.with_suffix(".part")
    font.save(str(partial))
    partial.replace(out)  # atomic: an interrupted build leaves no half font for fontconfig to find


def up_to_date(font: Path, source: Path) -> bool:
    if not font.exists() or font.stat().st_mtime < source.stat().st_mtime:
        return False
    try:
        unique_id = TTFont(str(font), lazy=True)["name"].getDebugName(3) or ""
    except (OSError, KeyError, TTLibError):  # a damaged file is rebuilt
        return False
    return unique_id.endswith(BUILD)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: python3 scripts/cjk_subsets.py OUTDIR\n")
        return 2
    outdir = Path(argv[1])
    outdir.mkdir(parents=True, exist_ok=True)
    for collection, family, style in FACES:
        out = outdir / f"{family.replace(' ', '')}{SUFFIX}-{style}.otf"
        source = NOTO / collection
        if not source.exists():
            sys.stdout.write(f"fonts.sh: {source} is missing; {out.name} not built\n")
            continue
        if up_to_date(out, source):
            continue
        sys.stdout.write(f"fonts.sh: building {out} from {source} (a minute)\n")
        sys.stdout.flush()
        build(source, family, style, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
