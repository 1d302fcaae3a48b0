"""``python -m scoring INPUT.json`` (RULES §7): the result JSON on stdout and exit 0; on bad input one line
per problem on stderr, nothing on stdout, exit 2."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

from . import InputError, compute, parse_input, result_to_dict

USAGE = "用法：python -m scoring INPUT.json"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")
    if len(args) != 1:
        print(USAGE, file=sys.stderr)
        return 2
    path = Path(args[0])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"无法读取输入文件 {path}：{exc}", file=sys.stderr)
        return 2
    try:
        data = json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        print(f"输入文件 {path} 不是有效的 JSON：{exc}", file=sys.stderr)
        return 2
    try:
        result = compute(parse_input(data))
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    print(json.dumps(result_to_dict(result), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
