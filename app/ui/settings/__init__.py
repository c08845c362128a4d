"""Settings: the shop's printers and barcode scanner, kept in the settings file."""
