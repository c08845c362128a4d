"""`python -m bench` (`make bench`): the stock, till, printing and service-desk benchmarks,
in that order. `--tickets-only` runs the service-desk one alone (its own 100,000-ticket
store; no million-unit store needed). `--pg URL` runs the till's scan and sale on a
PostgreSQL server (bench/pg_bench.py), `python -m bench.pos_bench` the till's rows alone.

Stock options (`--units`, `--fresh`, ...) are passed to the stock benchmark; the store it
generates (cached under bench/out/) is the one the till benchmark uses too.
"""

from __future__ import annotations

import sys

from bench import bench_printing, pos_bench, start_bench, stock_bench, tickets_bench


def main(argv: list[str]) -> int:
    if "--tickets-only" in argv:
        return tickets_bench.main()
    if "--start-only" in argv:  # start-up, memory, scanned row (bench/start_bench.py)
        return start_bench.main()
    if "--pg" in argv:  # --pg URL: the till's scan and sale on a PostgreSQL server
        from bench import pg_bench

        return pg_bench.main(argv[argv.index("--pg") + 1])
    status = stock_bench.main(argv)
    status |= pos_bench.main()
    status |= start_bench.main()
    print("Printing: 1,000 labels")
    status |= bench_printing.main([])
    status |= tickets_bench.main()
    return status


raise SystemExit(main(sys.argv[1:]))
