"""Entry point: `gjj-desk` opens the window; `gjj-desk COMMAND …` runs the command line."""

import sys


def main() -> int:
    from app.cli import run
    from app.cli.output import quiet_on_closed_pipe

    return quiet_on_closed_pipe(lambda: run(sys.argv[1:]))


if __name__ == "__main__":
    raise SystemExit(main())
