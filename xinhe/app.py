"""Composition root: reads the command line, then runs a command or opens the desktop app."""

from __future__ import annotations

import sys

from xinhe import cli


def main(argv: list[str] | None = None) -> int:
    parser = cli.build_parser()
    gui = parser.add_argument_group("desktop app")
    gui.add_argument("--demo", action="store_true",
                     help="open the demo vault in ./demo-vault, creating it first if needed")
    args = parser.parse_args(argv)
    if args.command:
        try:
            return cli.run(args)
        except BrokenPipeError:  # output piped into `head` and the like
            return 0
    from xinhe.ui.application import run_desktop  # Qt is loaded only for the desktop app

    return run_desktop(args)


if __name__ == "__main__":
    sys.exit(main())
