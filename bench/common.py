"""Helpers every bench case shares: Django set-up, timing, percentiles, a table printer, CSV output.

A case is a module `bench/<name>.py` with `run(args) -> list[Row]`, registered in bench/__main__.py.
"""

from __future__ import annotations

import csv
import hashlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench-results"
STATIC_ROOT = ROOT / "var" / "static"  # the settings' STATIC_ROOT


def collectstatic_unless_current(env: dict[str, str]) -> bool:
    """collectstatic for the production (manifest) storage, which answers 500 for a page naming an
    uncollected file, run with `env` unless var/static was collected from the static sources as they
    are now: its post-processing compresses every file again, most of a minute on two busy cores.
    A digest of the sources' paths, sizes and times, kept beside the manifest, tells. The bench's
    load case and the chaos rig both start gunicorn on these settings. Returns whether it ran."""
    digest = hashlib.sha256()
    for base in [ROOT / "static", *ROOT.glob("apps/*/static")]:
        for path in sorted(base.rglob("*")):
            if path.is_file():
                st = path.stat()
                digest.update(f"{path}:{st.st_size}:{st.st_mtime_ns}".encode())
    stamp, stamp_file = digest.hexdigest(), STATIC_ROOT / "sources.sha256"
    if (
        (STATIC_ROOT / "staticfiles.json").exists()
        and stamp_file.exists()
        and stamp_file.read_text() == stamp
    ):
        return False
    subprocess.run(  # noqa: S603 — our own manage.py
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    stamp_file.write_text(stamp)
    return True


def setup_django() -> None:
    """Dev settings against the real database, with DEBUG off so queries are not kept in memory."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesmgmt.settings.dev")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


@dataclass
class Row:
    """One line of a results table: a case, what was measured, and its figures."""

    case: str
    name: str
    values: dict[str, object] = field(default_factory=dict)
    goal: str = ""
    ok: bool | None = None


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank-interpolated percentile (pct in 0..100) of the samples."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarize_ms(samples: Sequence[float]) -> dict[str, float]:
    """p50/p95/max/mean in milliseconds of samples given in seconds."""
    ms = [s * 1000 for s in samples]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "max_ms": round(max(ms), 2) if ms else float("nan"),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else float("nan"),
    }


def time_calls(func: Callable[[], object], n: int, warmup: int = 3) -> list[float]:
    """Wall time of n calls of func, in seconds, after a few untimed warm-up calls."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        func()
        samples.append(time.perf_counter() - t0)
    return samples


@contextmanager
def stopwatch(label: str, out=None):
    """Print how long a step took (for set-up steps, not for measurements)."""
    out = out or sys.stdout
    t0 = time.perf_counter()
    yield
    print(f"  {label}: {time.perf_counter() - t0:.1f} s", file=out, flush=True)


def print_table(rows: Iterable[Row], out=None) -> None:
    out = out or sys.stdout
    rows = list(rows)
    columns: list[str] = []
    for row in rows:
        for key in row.values:
            if key not in columns:
                columns.append(key)
    header = ["case", "measure", *columns, "goal", "ok"]
    body = [
        [
            row.case,
            row.name,
            *(_fmt(row.values.get(c, "")) for c in columns),
            row.goal,
            "" if row.ok is None else ("yes" if row.ok else "NO"),
        ]
        for row in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *body, strict=True)]
    line = "  ".join("-" * w for w in widths)
    print(line, file=out)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), file=out)
    print(line, file=out)
    for r in body:
        print("  ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=True)), file=out)
    print(line, file=out, flush=True)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def write_csv(rows: Iterable[Row], name: str, directory: Path | None = None) -> Path:
    """bench-results/<name>.csv (git-ignored): one line per row, one column per figure."""
    rows = list(rows)
    directory = directory or RESULTS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.csv"
    columns: list[str] = []
    for row in rows:
        for key in row.values:
            if key not in columns:
                columns.append(key)
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["case", "measure", *columns, "goal", "ok"])
        for row in rows:
            writer.writerow([row.case, row.name, *(row.values.get(c, "") for c in columns), row.goal, row.ok])
    return path
