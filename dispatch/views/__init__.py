"""HTML pages of dispatch, one module per area; each module lists its own routes in
``routes`` and dispatch/urls.py puts them together."""
