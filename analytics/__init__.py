"""Analytics jobs, imports and exports, screening and analyses on Celery."""
