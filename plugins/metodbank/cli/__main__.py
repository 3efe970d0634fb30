"""``python -m metodbank.cli``: the ``metodbank`` command."""

import sys

from . import main

sys.exit(main())
