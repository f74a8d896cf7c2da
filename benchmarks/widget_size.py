"""Size of the chat widget as a browser downloads it: widget.js + widget.css, raw and gzipped.

.venv/bin/python benchmarks/widget_size.py        (target: < 30 kB gzipped together)
"""

import gzip
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "bot" / "static"
BUDGET = 30 * 1024


def main() -> int:
    total_raw = total_gz = 0
    for name in ("widget.js", "widget.css"):
        raw = (STATIC / name).read_bytes()
        gz = len(gzip.compress(raw, compresslevel=9, mtime=0))  # as the gateway serves it
        total_raw += len(raw)
        total_gz += gz
        print(f"{name:<11} {len(raw):>7,} B raw  {gz:>6,} B gzipped")
    print(
        f"{'total':<11} {total_raw:>7,} B raw  {total_gz:>6,} B gzipped "
        f"({100 * total_gz / BUDGET:.0f}% of the 30 kB budget)"
    )
    return 0 if total_gz < BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
