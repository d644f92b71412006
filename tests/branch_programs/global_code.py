import os

if os.environ.get("NEVER_SET_FERROCOV_VAR"):
    MODE = "set"
else:
    MODE = "unset"

for name in ("a", "b"):
    if name == "c":
        break

try:
    import nonexistent_module_for_test  # noqa: F401
except ImportError:
    HAVE = False
