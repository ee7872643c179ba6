"""Staging place for catalogs written as Python dicts (``EN``, ``ES``, ``ZH``) on branches made before the gettext
catalogs; ``python scripts/locales_to_po.py --delete`` folds them into locales/*/LC_MESSAGES/messages.po."""
