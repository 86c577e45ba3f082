"""Whether this server should take traffic, and what to do when it should not: the database,
applied migrations, Redis when configured, disk space, and the derived state (search index,
matching vectors, task queue) checked by the apps that own it. ``/healthz`` and ``/readyz``
for load balancers, ``ipx doctor`` for operators at a shell, and a back-office panel show the
same checks."""
