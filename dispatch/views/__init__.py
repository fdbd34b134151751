"""HTML pages of dispatch, one module per sub-domain; dispatch/urls.py lists them."""
