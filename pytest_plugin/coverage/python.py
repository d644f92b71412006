"""coverage.python's face: Python source files.

The engine reads and analyses source files itself (ferrocov-analysis), so
this module only names what coverage.py users and tests import from here.
"""

from __future__ import annotations

from coverage.inorout import source_for_file

__all__ = ["source_for_file"]
