"""Calibre designations folded to one comparable key (pure Python, no Django).

7.62x39mm, 7,62×39, "7.62 x 39" and Cyrillic "7,62х39 мм" are one calibre; a key makes them
equal without losing the designation as written.
"""

from __future__ import annotations

import re
import unicodedata

_TIMES = str.maketrans({"×": "x", "х": "x", "Х": "x", "*": "x", "X": "x", ",": "."})
_UNITS = re.compile(r"(mm|мм|cal\.?|calibre|caliber)", re.IGNORECASE)


def calibre_key(designation: str) -> str:
    """Return the comparison key of a calibre designation ("" for an empty one)."""
    text = unicodedata.normalize("NFKC", designation or "").strip().translate(_TIMES).lower()
    text = _UNITS.sub("", text)
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"^\.(\d)", r"0.\1", text)  # ".50" and "0.50" are the same
    return text.strip(".-")
