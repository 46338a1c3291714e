"""Sources: the systems companies have (survey tools, billing and CRM APIs, a SQL database, any
export), mapped to the landing contract. docs/sources.md is the user's guide.

- ``config``: the sources file (which source feeds which entity, with what options);
- ``model``: a configured ``Source`` and the two kind shapes (``FileKind``, ``FetchKind``);
- ``registry``: every kind by name; ``kinds/``: one module per vendor or format;
- ``sync``: bringing one source up to date; ``staging``: its rows into ``landing.<entity>``;
  ``objects``: what API / database kinds fetched, and their cursors;
- ``http``: dlt's REST client with bounded retries; ``options``: option checks, credentials.
"""
