"""`python -m bench` (what `make bench` runs): every benchmark module in this package.

Each module `bench/<name>.py` exposes `main(argv) -> dict` and prints its figures; the
collected figures are written to bench/results/latest.json. Arguments after `--only NAME`
select modules. Benchmarks print, they never fail on time.
"""

import importlib
import json
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    only = set(argv[argv.index("--only") + 1 :]) if "--only" in argv else set()
    names = [
        m.name
        for m in pkgutil.iter_modules([str(HERE)])
        if not m.name.startswith("_") and (not only or m.name in only)
    ]
    figures = {}
    for name in sorted(names):
        module = importlib.import_module(f"bench.{name}")
        if hasattr(module, "main"):
            print(f"== bench.{name}")
            figures[name] = module.main([])
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(json.dumps(figures, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
