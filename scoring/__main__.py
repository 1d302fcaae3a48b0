"""用法：python -m scoring INPUT.json

Scores one year (RULES §7): the result JSON on stdout and exit 0; on bad input one line per problem on stderr,
nothing on stdout, exit 2.

Limits (issue 9 §10): the input file is at most 512 MiB (``limits.MAX_INPUT_BYTES``), no list or object in it
holds more than 10,000,000 rows (``limits.MAX_ROWS``), every figure is a finite number whose absolute value is
below 10^12 (JSON's ``NaN``, ``Infinity``, ``-Infinity`` and numbers like ``1e400`` are refused), and the year
lies in 2000–2100.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

from . import InputError, compute, limits, parse_input, result_to_dict

USAGE = "用法：python -m scoring INPUT.json（python -m scoring --help 查看输入限制）"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")
    if args in (["-h"], ["--help"]):
        print((__doc__ or USAGE).strip())
        return 0
    if len(args) != 1:
        print(USAGE, file=sys.stderr)
        return 2
    path = Path(args[0])
    try:
        size = path.stat().st_size
        if size > limits.MAX_INPUT_BYTES:
            print(
                f"输入文件 {path} 有 {size} 字节，超过上限 {limits.MAX_INPUT_BYTES} 字节（512 MiB）",
                file=sys.stderr,
            )
            return 2
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"无法读取输入文件 {path}：{exc}", file=sys.stderr)
        return 2
    try:
        # NaN and ±Infinity literals become floats, which parse_input refuses where they stand.
        data = json.loads(text, parse_float=Decimal, parse_constant=float)
    except (ValueError, RecursionError) as exc:
        print(f"输入文件 {path} 不是有效的 JSON：{str(exc).splitlines()[0]}", file=sys.stderr)
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
