"""Matching kept up to date: demands ↔ listings through the retrieval engine.

* ``documents`` — a listing or a demand as the engine's Document and Facts;
* ``index`` — the two engines of a process (over published listings, over published
  demands), rebuilt when a version counter in the database moved; vectors from the
  on-disk cache only (they are computed by background tasks, never for a whole catalogue
  in a request);
* ``services`` — recomputing a demand's top listings, following a listing's changes,
  notifying both sides of a new match once;
* ``handlers`` — the domain events that trigger them (in the background);
* ``selectors``, ``explain``, ``buyers`` — reads for pages and the API, reasons as
  sentences in the reader's language, likely buyers of a listing;
* ``api``, ``views`` — the endpoints and the page fragments.
"""
