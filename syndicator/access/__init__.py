"""What the app may read and change, for whom: the only door from ``ui/`` to the database.

One module per page of ``ui/views/`` (:mod:`.products` with :mod:`.lots`, :mod:`.labels`, :mod:`.listings`,
:mod:`.shops`, :mod:`.mapping`, :mod:`.sync`, :mod:`.sales`, :mod:`.monitor`, :mod:`.overview`; the admin page's
:mod:`.coops` and :mod:`.logins`; :mod:`.readiness` for the Products page and the matrix), the
role checks they share in :mod:`.roles`; callers import from the module that owns the function.
Every function takes the :class:`~syndicator.users.Viewer` and enforces the roles itself:
a ``coop`` user sees and edits only its own co-op, an ``officer`` sees every co-op and changes nothing,
an ``admin`` manages co-ops, users and price rules. Lists are paged and totals aggregated in the
database, so a page costs the same at 50 listings as at 100,000.
"""
