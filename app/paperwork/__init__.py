"""Paperwork: committed records turned into printable documents (receipts, labels).

The floor between the domain and printing: it may read domain records and build
`app.printing` documents; the domain never imports it.
"""
