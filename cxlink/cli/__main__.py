"""`python -m cxlink.cli`: the same as the `cxlink` console script."""

import sys

from cxlink.cli import main

sys.exit(main())
