"""Background work: one mechanism that runs inline, in a thread pool or on worker processes."""
