"""Translation catalogs, one module per area of the app, each with EN and ES dicts of the same keys."""
