"""The stock manager's screens."""
