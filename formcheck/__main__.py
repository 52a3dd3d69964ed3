import sys

from formcheck.cli.console import main

sys.exit(main())
