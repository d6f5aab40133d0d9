"""python -m bench [pages|imports|search|desk|api ...]: run the named benchmarks (default: all), each in
its own process (each points Django at its own database), one ``name=value`` line per figure."""

import subprocess
import sys

ALL = ["pages", "search", "desk", "api", "imports"]


def main() -> int:
    names = sys.argv[1:] or ALL
    unknown = [n for n in names if n not in ALL]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(ALL)}", file=sys.stderr)
        return 2
    status = 0
    for name in names:
        status |= subprocess.call([sys.executable, "-m", f"bench.{name}"])
    return status


if __name__ == "__main__":
    sys.exit(main())
