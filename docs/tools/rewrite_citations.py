"""Point the citations in comments and docstrings at docs/ (see docs/README.md).

Run from the repository root:

    python docs/tools/rewrite_citations.py            # rewrite in place, list what it could not map
    python docs/tools/rewrite_citations.py --check    # change nothing; exit 1 if anything would change

Rewrites `RULES §n` → `docs/rules.md §n`, `SPEC §n` → `docs/requirements.md §n`, `STYLE §n` → `docs/style.md §n`,
`RULES.md` / `SPEC.md` / `STYLE.md` / `NOTICES.md` → the docs page, `../shared/…` → the repository's own copy,
and "issue N §M" → the requirement IDs it served (ISSUES below), or drops it when it only named the issue.
A line pushed past 120 characters is re-wrapped inside its comment or docstring paragraph. Idempotent: a second
run changes nothing. CHANGELOG.md (history), docs/ and examples/ are left alone. Anything that still looks like
an old citation afterwards is listed for a person to decide.
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path.cwd()
WIDTH = 120
SUFFIXES = {".py", ".sh", ".html", ".css", ".js", ".bpmn", ".toml", ".cfg", ".md", ".txt"}
SKIP_FILES = {"CHANGELOG.md"}
SKIP_DIRS = ("docs/", "examples/", ".venv/", ".git/")

PAGE = {
    "RULES": "docs/rules.md",
    "SPEC": "docs/requirements.md",
    "STYLE": "docs/style.md",
    "NOTICES": "docs/notices.md",
}

# Exact phrases first: issue citations whose meaning needs their context.
LITERAL: list[tuple[str, str]] = [
    ('"""Issue 5 speed: one locked read', '"""Query budget (docs/style.md §6): one locked read'),
    ('"""Issue 5 §3: \'leader in charge\' means', '"""R-SEC-1: \'leader in charge\' means'),
    ('"""Issue 5 §2: the instance state and the record', '"""R-WF-3: the instance state and the record'),
    ('"""Issue 5 §2: scripts see a whitelist only', '"""R-WF-1: scripts see a whitelist only'),
    ("the what-if screen (§5)", "the what-if screen (docs/rules.md §8)"),
    ("(STYLE: tests/e2e)", "(docs/style.md, the layout: tests/e2e)"),
]

# "issue N §M" as a docstring's opening label ("Issue 5 §6: …") → the requirement it served.
LEADING: dict[str, str] = {
    "issue 4 §5": "R-SCO-8",
    "issue 5": "R-WF-2",
    "issue 5 §3": "R-WF-2",
    "issue 5 §6": "R-WF-2",
    "issue 6 §5": "R-RPT-1",
    "issue 6 §6": "R-RPT-1",
}

# "(issue N §M)" standing alone → what replaces the parenthetical ("" drops it: it only named the issue).
ISSUES: dict[str, str] = {
    "issue 3": "R-ORG-1",
    "issue 3 §6": "",
    "issue 3 §9": "",
    "issue 4": "",
    "issue 4 §3": "",
    "issue 4 §3–5": "",
    "issue 4 §4": "R-SCO-3, R-SCO-8, R-PAY-1..3",
    "issue 4 §4–§5": "",
    "issue 4 §5": "docs/rules.md §8",
    "issue 5 §2–6": "",
    "issue 5 §3": "",
    "issue 5 §3–§7": "",
    "issue 6 §4–§6": "R-RPT-1",
    "issue 6 §5": "R-RPT-1",
    "issue 6 §6": "R-RPT-1",
    "issue 6 §7": "",
}

ISSUE = r"[Ii]ssue \d+(?: §[0-9§–-]+)?"
SHARED_DOC = re.compile(r"(?:\.\./)+shared/(RULES|SPEC|STYLE|NOTICES)\.md")
SHARED_SEED = re.compile(r"(?:\.\./)+shared/seed/")
SHARED_EXAMPLES = re.compile(r"(?:\.\./)+shared/examples/")
OLD_PAGE = re.compile(r"(?<![\w/.-])(RULES|SPEC|STYLE|NOTICES)(?:\.md\b|(?= §))")
MIXED = re.compile(rf"\({ISSUE}[;,] ")  # "(issue 6; R-RPT-1, …)", "(issue 4, speed)"
TRAILING = re.compile(rf", {ISSUE}(?=:)")  # "R-WF-1, issue 5 §2: …"
LEAD = re.compile(rf'(?<=""")({ISSUE})(?=: )')
ALONE = re.compile(rf" ?\(({ISSUE})\)")
LEFTOVER = re.compile(rf"{ISSUE}|\.\./shared|(?<![\w/.-])(?:RULES|SPEC|STYLE|NOTICES)(?:\.md\b| §)")
RULER = re.compile(r"^(\s*# --- .*? )-+$")


def _alone(match: re.Match[str]) -> str:
    key = match.group(1).lower()
    if key not in ISSUES:
        return match.group(0)
    new = ISSUES[key]
    return f" ({new})" if new else ""


def _lead(match: re.Match[str]) -> str:
    return LEADING.get(match.group(1).lower(), match.group(1))


def rewrite_line(line: str) -> str:
    for old, new in LITERAL:
        line = line.replace(old, new)
    line = SHARED_DOC.sub(lambda m: PAGE[m.group(1)], line)
    line = SHARED_SEED.sub("docs/seed/", line)
    line = SHARED_EXAMPLES.sub("examples/", line)
    line = OLD_PAGE.sub(lambda m: PAGE[m.group(1)], line)
    line = MIXED.sub("(", line)
    line = TRAILING.sub("", line)
    line = LEAD.sub(_lead, line)
    return ALONE.sub(_alone, line)


def _prefix(line: str) -> str:
    """What a continuation of this line starts with: the comment marker of a comment, else the indentation."""
    indent = line[: len(line) - len(line.lstrip())]
    stripped = line.lstrip()
    if stripped.startswith("#"):
        return indent + "# "
    return indent


def _continues(line: str, prefix: str) -> bool:
    """Whether `line` is more of the same paragraph, so an overflow may flow into it."""
    if not line.startswith(prefix) or len(line) > len(prefix) and line[len(prefix)] == " ":
        return False
    text = line[len(prefix) :]
    if not text.strip() or text.lstrip().startswith(('"""', "- ", "* ", "```", ">>>", "|", "*/")):
        return False
    return not re.match(r"\d+\.|\(\d+\)|[A-Z][\w ]*:$", text)


def width(text: str) -> int:
    """Columns as ruff counts them: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fits(line: str) -> int:
    """How many characters of `line` fit in WIDTH columns."""
    columns = 0
    for n, c in enumerate(line):
        columns += width(c)
        if columns > WIDTH:
            return n
    return len(line)


def reflow(lines: list[str], i: int) -> None:
    """Wrap lines[i] at WIDTH, flowing the rest into the following line of the same paragraph."""
    while width(lines[i]) > WIDTH:
        line = lines[i]
        prefix = _prefix(line)
        cut = line.rfind(" ", len(prefix) + 1, _fits(line) + 1)
        while cut > len(prefix) and line[cut + 1 : cut + 2] == "§":  # keep "docs/rules.md §2" on one line
            cut = line.rfind(" ", len(prefix) + 1, cut)
        if cut <= len(prefix):
            return
        head, tail = line[:cut].rstrip(), line[cut + 1 :]
        nxt = i + 1
        if '"""' not in tail and "*/" not in tail and nxt < len(lines) and _continues(lines[nxt], prefix):
            lines[i], lines[nxt] = head, prefix + tail + " " + lines[nxt][len(prefix) :]
        else:
            lines[i] = head
            lines.insert(nxt, prefix + tail)
        i = nxt


def rewrite_text(text: str) -> str:
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        old = lines[i]
        new = rewrite_line(old)
        if new != old:
            ruler = RULER.match(old)
            if ruler and RULER.match(new):
                head = RULER.match(new).group(1)  # type: ignore[union-attr]
                new = head + "-" * max(3, len(old) - len(head))
            lines[i] = new
            if width(new) > WIDTH and width(new) > width(old):
                reflow(lines, i)
        i += 1
    return "\n".join(lines)


def files() -> list[Path]:
    try:
        listed = subprocess.run(  # noqa: S603 - fixed arguments
            ["git", "ls-files"],  # noqa: S607 - git from PATH
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        listed = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()]
    keep = []
    for name in listed:
        path = ROOT / name
        if not name or name in SKIP_FILES or name.startswith(SKIP_DIRS) or path.suffix not in SUFFIXES:
            continue
        if path.is_file():
            keep.append(path)
    return keep


def main(argv: list[str]) -> int:
    check = "--check" in argv
    changed, leftovers = [], []
    for path in files():
        text = path.read_text(encoding="utf-8")
        new = rewrite_text(text)
        if new != text:
            changed.append(path.relative_to(ROOT))
            if not check:
                path.write_text(new, encoding="utf-8")
        for n, line in enumerate(new.split("\n"), start=1):
            if LEFTOVER.search(line):
                leftovers.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    out = sys.stdout
    out.write(f"{'would change' if check else 'changed'} {len(changed)} files\n")
    out.writelines(f"  {p}\n" for p in changed)
    if leftovers:
        out.write("left for a person to decide:\n")
        out.writelines(f"  {line}\n" for line in leftovers)
    return 1 if check and changed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
