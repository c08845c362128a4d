"""SerialPOS benchmarks: a generated million-unit store and timings through the services.

`python -m bench` (or `make bench`) builds or reuses the store under bench/out/ and prints
the results table; see bench/stock_bench.py for what is measured and why.
"""
