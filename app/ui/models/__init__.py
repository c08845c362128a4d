"""Qt item models over the read-side queries (they page; none loads everything)."""
