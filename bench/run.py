"""Run Newsdesk's benchmarks and print their ratios and sizes.

    python bench/run.py              # every benchmark, full size (PostgreSQL needed)
    python bench/run.py --small      # every benchmark at a size that runs in a minute
    python bench/run.py api export   # only the named ones

Each benchmark is a script of this folder, run in its own process (each sets up Django with
the database it needs); the flags after the names are passed to each of them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "pages",
    "api",
    "filters",
    "export",
    "suggest",
    "linear",
    "jobs",
    "duplicates",
    "imports",
]


def main(argv: list[str]) -> int:
    names = [a for a in argv if not a.startswith("-")] or BENCHMARKS
    flags = [a for a in argv if a.startswith("-")]
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    status = 0
    for name in names:
        print(f"== {name}", flush=True)
        done = subprocess.run([sys.executable, str(HERE / f"{name}.py"), *flags], check=False)
        status |= done.returncode
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
