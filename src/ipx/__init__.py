"""IPX: an always-open online intellectual-property exchange."""
