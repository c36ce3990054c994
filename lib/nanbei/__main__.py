"""``python -m nanbei run|list|gallery|results``: the same as the ``nanbei`` command."""

import sys

from nanbei.runner.cli import main

if __name__ == "__main__":
    sys.exit(main())
