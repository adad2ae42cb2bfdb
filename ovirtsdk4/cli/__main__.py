"""``python -m ovirtsdk4.cli`` runs the export command."""

import sys

from ovirtsdk4.cli.export import main

sys.exit(main())
