"""Sub-commands of `python -m readiness`, one module per theme."""
