"""`python -m bench` (`make bench`): the stock, till and printing benchmarks, in that order.

Stock options (`--units`, `--fresh`, ...) are passed to the stock benchmark; the store it
generates (cached under bench/out/) is the one the till benchmark uses too.
"""

from __future__ import annotations

import sys

from bench import bench_printing, pos_bench, stock_bench


def main(argv: list[str]) -> int:
    status = stock_bench.main(argv)
    status |= pos_bench.main()
    print("Printing: 1,000 labels")
    status |= bench_printing.main([])
    return status


raise SystemExit(main(sys.argv[1:]))
