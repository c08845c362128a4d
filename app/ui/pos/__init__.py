"""The POS view: scan-first checkout of serialized units and bulk goods."""
