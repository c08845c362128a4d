"""python -m app  ->  the back-office command line (no arguments: the window)."""

from app.cli import main

raise SystemExit(main())
