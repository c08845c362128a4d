"""The Refund view: take back units and quantities from a committed sale."""
