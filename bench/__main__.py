"""`python -m bench`: generate (or reuse) the big store and run the stock benchmarks."""

from __future__ import annotations

from bench.stock_bench import main

raise SystemExit(main())
