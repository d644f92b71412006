"""`python -m coverage`: the same as the `coverage` command."""

import sys

from coverage.cmdline import main

sys.exit(main())
