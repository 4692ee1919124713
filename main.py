"""Start Xinhe (馨和): `python main.py` opens the desktop app; `python main.py --help` lists
the commands."""

import sys

from xinhe.app import main

if __name__ == "__main__":
    sys.exit(main())
