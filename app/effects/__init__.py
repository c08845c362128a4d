"""After-commit effects: domain events -> print jobs and e-mails, for the window and the CLI.

No Qt here. The store hands every committed write's events to `Effects.handle`; what a
sale, a refund or a report puts on paper, and on which printer, is decided here once.
"""
