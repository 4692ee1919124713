"""The frozen program's entry point: the same `xinhe.app.main` as the `xinhe` command."""

import sys

from xinhe.app import main

if __name__ == "__main__":
    sys.exit(main())
