"""Python instructions per page request, counted by callgrind: a figure load does not move.

    python -m bench.instructions [--requests 3] [--only list_default,lead_mask]
    (needs DATABASE_URL with generated data, valgrind and gcc; Debian: valgrind, gcc)

Wall time on a shared machine moves by a third between runs of the same code; the number
of instructions the Django process executes for a request does not (to well under 1 %).
So a before/after comparison of a change that must not slow pages down runs this on both
checkouts against the same database. It re-runs itself under `valgrind --tool=callgrind`
with instrumentation off, warms each page of bench.scenarios up twice, then counts
`--requests` requests between CALLGRIND_START/STOP (a tiny C helper built with gcc into
var/, as callgrind's client requests are C macros). PostgreSQL's work is not counted —
compare the queries with `python -m bench` (same counts, same SQL) for that side. Prints
millions of instructions per request; never a verdict.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HELPER_C = r"""
#include <valgrind/callgrind.h>
void cg_start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void cg_stop(const char *name) { CALLGRIND_STOP_INSTRUMENTATION; CALLGRIND_DUMP_STATS_AT(name); }
"""
VAR = Path(__file__).resolve().parent.parent / "var" / "bench-instructions"


def _helper() -> Path:
    VAR.mkdir(parents=True, exist_ok=True)
    lib = VAR / "libcgctl.so"
    if not lib.exists():
        source = VAR / "cgctl.c"
        source.write_text(HELPER_C)
        gcc = shutil.which("gcc") or "gcc"
        subprocess.run(  # noqa: S603 - fixed argv
            [gcc, "-shared", "-fPIC", "-O1", "-o", str(lib), str(source)], check=True
        )
    return lib


def _measure(requests: int, only: set[str]) -> None:
    """Inside valgrind: count each page's requests between the helper's start and stop."""
    from bench import scenarios

    lib = ctypes.CDLL(os.environ["BENCH_CG_HELPER"])
    scenarios._setup_django()
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench-rep"))
    urls = scenarios._urls()
    for name in scenarios.PAGE_SCENARIOS:
        if only and name not in only:
            continue
        for _ in range(2):  # warm-up: templates compiled, caches filled
            assert client.get(urls[name]).status_code == 200, name
        gc.collect()  # no collection of earlier garbage inside the count
        lib.cg_start()
        for _ in range(requests):
            client.get(urls[name])
        lib.cg_stop(name.encode())


def _totals(out_dir: Path) -> dict[str, int]:
    totals = {}
    for dump in out_dir.glob("callgrind.*.*"):
        name = total = None
        for line in dump.read_text(errors="replace").splitlines():
            if line.startswith("desc: Trigger: Client Request: "):
                name = line.rsplit(": ", 1)[1]
            elif line.startswith("totals: "):
                total = int(line.split()[1])
        if name and total is not None:
            totals[name] = total
    return totals


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions")
    parser.add_argument("--requests", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated page scenarios")
    args = parser.parse_args(argv)
    only = {x for x in args.only.split(",") if x}
    if os.environ.get("BENCH_CG_HELPER"):
        _measure(args.requests, only)
        return {}
    with tempfile.TemporaryDirectory(dir=VAR.parent if VAR.parent.exists() else None) as tmp:
        env = {**os.environ, "BENCH_CG_HELPER": str(_helper())}
        command = [
            shutil.which("valgrind") or "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={tmp}/callgrind.%p",
            sys.executable,
            "-m",
            "bench.instructions",
            *(argv if argv is not None else sys.argv[1:]),
        ]
        subprocess.run(  # noqa: S603 - our own argv: valgrind, this interpreter, this module
            command, env=env, check=True, stderr=subprocess.DEVNULL
        )
        totals = _totals(Path(tmp))
    per_request = {name: totals[name] / args.requests / 1e6 for name in sorted(totals)}
    print(f"Python instructions per request (millions, {args.requests} requests, callgrind)")
    for name, value in per_request.items():
        print(f"  {name:<18} {value:8.1f}")
    return per_request


if __name__ == "__main__":
    main()
