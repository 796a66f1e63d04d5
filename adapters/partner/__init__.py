"""Any trade floor that offers a JSON REST seller API, driven by that floor's profile.

``profile.py`` (the contract as data), ``signing.py``, ``wire.py`` (field names and answer shapes),
``client.py`` (the adapter), ``sandbox/`` (a local floor from the same profile), ``feed.py`` (the
spreadsheet upload for shops without API access), ``floor.py`` (a floor's spec from its profile).
"""
