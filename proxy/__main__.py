"""``python -m proxy`` is ``phi-proxy``."""

import sys

from proxy.cli import main

sys.exit(main())
