"""Entry point: `gjj-desk` opens the window; `gjj-desk COMMAND …` runs the command line."""

import sys
import time

STARTED = time.perf_counter()  # `--smoke` reports the start time from here


def main() -> int:
    argv = sys.argv[1:]
    if getattr(sys, "frozen", False) and argv[:2] == ["-m", "fundserver"]:
        # In the installed bundle sys.executable is this program, so demo mode's
        # `python -m fundserver serve …` (fundserver/process.py) arrives here.
        from fundserver.__main__ import main as fundserver_main

        return fundserver_main(argv[2:])
    from app.cli import run
    from app.cli.output import quiet_on_closed_pipe

    return quiet_on_closed_pipe(lambda: run(argv))


if __name__ == "__main__":
    raise SystemExit(main())
