"""Entry point for `python -m readiness`."""

import sys

from readiness.commands.cli import main

sys.exit(main())
