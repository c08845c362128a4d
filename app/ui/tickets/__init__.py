"""The Tickets view: the service desk\x27s list, intake and ticket detail."""
