"""`python -m bench [case ...]` (= `make bench`): run the bench cases, print a table per case and
write bench-results/<case>.csv.

Add a case: write bench/<name>.py with `add_arguments(parser)` (optional) and `run(args, log) -> list[Row]`,
then list it in CASES below.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from bench.common import print_table, setup_django, write_csv

CASES = ["foundation", "targets", "reporting", "homes", "pipeline", "load", "suggestions", "receivables"]


def main(argv: list[str] | None = None) -> int:
    setup_django()
    modules = {name: importlib.import_module(f"bench.{name}") for name in CASES}
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("cases", nargs="*", choices=[*CASES, []], help="cases to run (default: all)")
    for module in modules.values():
        if hasattr(module, "add_arguments"):
            module.add_arguments(parser)
    args = parser.parse_args(argv)
    failed = False
    for name in args.cases or CASES:
        t0 = time.perf_counter()
        rows = modules[name].run(args)
        print()
        print(f"== bench {name} ({time.perf_counter() - t0:.0f} s) ==")
        print_table(rows)
        path = write_csv(rows, name)
        print(f"written {path}")
        failed |= any(row.ok is False for row in rows)
    # Goals missed are reported, not fatal: the bench measures, CI does not gate on it.
    if failed:
        print("some goals were not met (rows marked NO)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
