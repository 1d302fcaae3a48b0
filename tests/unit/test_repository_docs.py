"""The repository stands alone: code reads nothing outside it, and every requirement ID and `docs/… §n` that the
code cites exists in `docs/` (docs/README.md)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CODE_DIRS = ("portal", "services", "models", "scoring", "workflows", "reports", "scripts", "bench", "tests")
SUFFIXES = {".py", ".sh", ".html", ".css", ".js", ".bpmn", ".toml", ".cfg", ".md"}

# Ways code has reached out of the repository to the reference folder beside it (spelt in pieces, so that a
# search of the tree for these spellings finds none in this file either).
SHARED = "shared"
OUTSIDE = re.compile(
    "|".join([r"\.\./" + SHARED, r"parent / \"" + SHARED + '"', "'" + SHARED + "' /", "/work/" + SHARED])
)
REQUIREMENT_ID = re.compile(r"\bR-[A-Z]+-\d+")
DEFINED_ID = re.compile(r"\*\*(R-[A-Z]+-\d+)\*\*")
# `docs/rules.md §2`, `docs/rules.md §2, §3`, `docs/rules.md §2–§6`, `docs/rules.md §2/§7`, `… §2 and §8`.
SECTION_CITATION = re.compile(r"docs/(\w[\w-]*)\.md((?:(?: |, | and |/|–)§\d+)+)")
PAGE = re.compile(r"docs/(\w[\w-]*)\.md")
HEADING = re.compile(r"^#{2,3} §(\d+)\b", re.MULTILINE)


def code_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "pyproject.toml"]
    for name in CODE_DIRS:
        files += [p for p in (ROOT / name).rglob("*") if p.suffix in SUFFIXES]
    return [p for p in files if p.is_file() and "__pycache__" not in p.parts]


def test_code_reads_nothing_beside_the_repository():
    """The tests, scripts and code use the repository's own copies (examples/, docs/), never the reference
    folder that once lay beside the repository."""
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in code_files()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []
    assert (ROOT / "examples" / "scoring" / "basic.input.json").is_file()
    assert (ROOT / "examples" / "scoring" / "basic.output.json").is_file()


def test_every_requirement_id_the_code_cites_is_defined_in_docs_requirements():
    """A cited ID such as R-TGT-4 is defined (in bold) in docs/requirements.md; a typo or a retired ID fails."""
    defined = set(DEFINED_ID.findall((DOCS / "requirements.md").read_text(encoding="utf-8")))
    assert {"R-ORG-1", "R-SCO-8", "R-WF-3", "R-DB-1"} <= defined
    cited: dict[str, str] = {}
    for path in code_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for rid in REQUIREMENT_ID.findall(line):
                cited.setdefault(rid, f"{path.relative_to(ROOT)}:{n}")
    assert {rid: where for rid, where in cited.items() if rid not in defined} == {}


def sections(page: str) -> set[int]:
    return {int(n) for n in HEADING.findall((DOCS / f"{page}.md").read_text(encoding="utf-8"))}


@pytest.mark.parametrize(
    ("page", "numbers"),
    [("rules", range(0, 9)), ("requirements", range(1, 9)), ("style", range(1, 17))],
)
def test_docs_keep_the_section_numbers_the_code_cites(page, numbers):
    """docs/rules.md §0–§8, docs/requirements.md §1–§8 and docs/style.md §1–§16 all exist as headings."""
    assert sections(page) >= set(numbers)


def test_every_docs_section_the_code_cites_exists():
    """A cited page of docs/ that does not exist, or a section number the page lacks, is a broken citation."""
    broken = []
    for path in code_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            where = f"{path.relative_to(ROOT)}:{n}"
            broken += [f"{where}: docs/{page}.md" for page in PAGE.findall(line) if not (DOCS / f"{page}.md").is_file()]
            for page, cited in SECTION_CITATION.findall(line):
                if (DOCS / f"{page}.md").is_file():
                    missing = {int(x) for x in re.findall(r"\d+", cited)} - sections(page)
                    broken += [f"{where}: docs/{page}.md §{x}" for x in sorted(missing)]
    assert broken == []


def test_docs_index_links_every_page():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    pages = {p.name for p in DOCS.glob("*.md")} - {"README.md"}
    assert pages
    assert {page for page in pages if f"({page})" not in index} == set()
