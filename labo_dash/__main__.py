"""Entry point of ``python -m labo_dash``."""

import sys

from labo_dash.cli import main

sys.exit(main())
