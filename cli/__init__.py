"""Terminal front ends: ``python -m cli.host`` and ``python -m cli.join``."""
