"""Repair tickets: intake by serial, the workflow, parts and labour, vendor RMAs, warranty
replacements and collection. No Qt, no printing, no devices (import-linter contracts).

Services are plain functions `name(store, actor, ...)`, one transaction each; the read
side is `app.tickets.queries`; what crosses layers is in `app.tickets.records`.
"""
