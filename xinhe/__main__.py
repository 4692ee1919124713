import sys

from xinhe.app import main

sys.exit(main())
