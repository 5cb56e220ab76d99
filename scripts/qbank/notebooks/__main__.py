"""``python -m qbank.notebooks``: see :mod:`qbank.notebooks.cli`."""

import sys

from .cli import main

sys.exit(main())
