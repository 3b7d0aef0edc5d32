"""`python -m bench` (what `make bench` / scripts/bench run): the whole benchmark.

    python -m bench [--leads 10000,1000000] [--runs 20] [--reuse] [--skip-jobs] ...

Generates each data size (bench.generate), measures the page scenarios, the overdue job and
the import at that size (bench.scenarios) and writes bench/results/latest.json plus a
table (bench/results/latest.txt). `--leads 10000` is the quick run. All arguments are
those of bench.scenarios. The single benchmarks still run on their own:
`python -m bench.overdue`, `python -m bench.import_bench`, `python -m bench.generate`.
Benchmarks print, they never fail on time.
"""

import sys


def main(argv: list[str]) -> int:
    from bench import scenarios

    scenarios.main(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
