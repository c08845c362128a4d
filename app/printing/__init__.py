"""Documents to bytes: ESC/POS, PNG, PDF, ZPL. python-escpos is imported only by the
modules that print with it (its set-up for that: app.escpos_cache)."""
