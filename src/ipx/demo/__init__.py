"""Demo content for IPX (``ipx demo``): organisations, people, real patents and listings."""
