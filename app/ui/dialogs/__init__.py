"""Dialogs shared by the views."""
