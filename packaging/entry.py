"""Entry script of the frozen app: the same as the ``explorer`` command.

PyInstaller needs a script to start from; this one only hands over to
:func:`explorer.cli.main`, so the frozen app and the installed command behave alike.
"""

from explorer.cli import main

raise SystemExit(main())
