"""Babel extraction method for babel.cfg: every message of the English catalog, English text as a comment.

Why: the catalogs use symbolic ids, some built at run time (``label("class", code)``), so extraction from the code
alone would miss them and ``pybabel update`` would then mark them obsolete. The English catalog is the list of
every message the app has; the code's literal ids come from Babel's own Python extractor beside it.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from babel.messages.pofile import read_po


def extract_english_catalog(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
                            options: dict[str, Any]) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Yield (line, function, message, comments) per message of an English .po; plurals as ngettext."""
    for message in read_po(fileobj, locale="en"):
        if not message.id:
            continue
        line = message.lineno or 0
        if isinstance(message.id, tuple):
            yield line, "ngettext", message.id, [f"English: {' | '.join(message.string)}"]
        else:
            yield line, "gettext", message.id, [f"English: {message.string}"]
