"""Blocked words: found case- and accent-insensitively, on word boundaries, in outbound text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from core.errors import Invalid


def fold(text: str) -> str:
    """Lower case without accents, runs of spaces as one: `Ça  Va` and `ca va` compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def find_blocked(text: str, words: Iterable[str]) -> str | None:
    """The first of `words` that `text` holds as a whole word (or phrase), else None.

    A word inside a longer one does not count ("crypto" is not in "cryptography"), and
    punctuation around it does not hide it ("PayPal!").
    """
    folded = fold(text)
    for word in words:
        wanted = fold(word)
        if wanted and re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", folded):
            return word
    return None


def check_blocked(fields: Mapping[str, str], words: Iterable[str]) -> None:
    """Invalid naming the field and the word, for the first field holding a blocked word."""
    words = tuple(words)
    for name, text in fields.items():
        word = find_blocked(text, words)
        if word is not None:
            raise Invalid(
                f"{name} contains the blocked word {word!r}",
                field=name,
                detail={"field": name, "word": word},
            )
