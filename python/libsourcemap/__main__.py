"""``python -m libsourcemap``: the command line (see :mod:`libsourcemap.cli`)."""

import sys

from .cli import main

sys.exit(main())
