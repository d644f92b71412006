"""The version this package answers to.

`coverage.__version__` and `version_info` report the coverage.py release
whose API, data file and behaviour ferrocov reproduces (7.17.3), because
tools check them to decide what the installed coverage can do (pytest-cov
checks for >= 7.10, for instance). ferrocov's own release is
`ferrocov.__version__`.
"""

from __future__ import annotations

version_info = (7, 17, 3, "final", 0)
__version__ = "7.17.3"
# Warnings link here, as coverage.py's do, so messages read the same.
__url__ = f"https://coverage.readthedocs.io/en/{__version__}"
