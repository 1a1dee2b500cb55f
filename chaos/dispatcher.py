"""One dispatcher process for the scheduling scenario: reads an ISO instant per line on stdin, runs
the per-tenant dispatcher (what the beat's dispatch-tenant-jobs task runs) as of that instant, and
answers one JSON line: what it claimed and enqueued, or the error."""

import json
import sys
from datetime import datetime

from .rig import setup_django


def main() -> None:
    import os

    setup_django(dict(os.environ))
    from apps.tenancy import scheduling

    for line in sys.stdin:
        now = datetime.fromisoformat(line.strip())
        try:
            claimed = scheduling.dispatch(now=now)
            answer = {"claimed": [list(c) for c in claimed]}
        except Exception as exc:  # noqa: BLE001 — reported to the driver, which fails the scenario
            answer = {"error": repr(exc)}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
