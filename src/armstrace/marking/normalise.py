"""Normalisation of weapon markings (serial numbers, manufacturer names).

Why two levels?  A serial read off a recovered weapon differs from the registered one in two very
different ways (DOMAIN.md, "Tracing"):

* *Representation* differences carry no information at all: upper/lower case, separators
  (``1985 ЛТ-1234`` vs ``1985ЛТ1234``), the script used to type a letter (Cyrillic ``А`` vs Latin
  ``A``, transliterated ``Д`` vs ``D``), or the script of a digit (Arabic-Indic ``٣`` vs ``3``,
  fullwidth ``３``).  :func:`normalise_serial` removes them, so the *normalised serial* is what
  we compare and display.
* *Optical confusions* (``O``/``0``, ``I``/``L``/``1``, ``S``/``5``, ``B``/``8``, ``Z``/``2``,
  ``G``/``6``) are real, but cheap and frequent reading errors.  :func:`confusion_key` folds each
  class to one representative so that all readings of the same marking share one *confusion key*;
  the index is built on confusion keys and the ranking still charges a small cost for each
  confusion so an exact reading ranks first.

Everything here is pure Python (no Django, no numpy) and deterministic.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Final

__all__ = [
    "CONFUSION_CLASSES",
    "TRANSLITERATION_DIGRAPHS",
    "TRANSLITERATION_PAIRS",
    "WILDCARD_ONE",
    "WILDCARD_ANY",
    "confusion_key",
    "normalise_name",
    "normalise_query",
    "normalise_serial",
    "raw_positions",
]

WILDCARD_ONE: Final = "?"
"""Query character for exactly one illegible character."""
WILDCARD_ANY: Final = "*"
"""Query character for a run (possibly empty) of illegible characters."""

#: Optical confusion classes seen in practice (DOMAIN.md "Reading errors seen in practice").
#: Key: the representative the class folds to in the confusion key; value: all members.
#: A digit is the representative because serials are mostly digits, so a folded key stays
#: readable.  ``L`` is included with ``I`` because a lower-case ``l`` is read as ``1``.
CONFUSION_CLASSES: Final[dict[str, str]] = {
    "0": "0O",
    "1": "1IL",
    "2": "2Z",
    "5": "5S",
    "6": "6G",
    "8": "8B",
}

#: Pairs of Latin letters that are the *look-alike* and the *transliteration* of the same Cyrillic
#: letter (Н looks like H but is transliterated N, Р/P vs R, С/C vs S, В/B vs V, У/Y vs U, Х/X vs
#: KH is not a single letter so it is not here).  Normalisation uses the look-alike, but a clerk
#: who transliterated will have typed the other one; the ranking charges these less than a real
#: substitution.  They are *not* folded in the confusion key (that would merge genuinely
#: different Latin serials).
TRANSLITERATION_PAIRS: Final[frozenset[frozenset[str]]] = frozenset(
    frozenset(p) for p in ("HN", "PR", "CS", "BV", "YU")
)

# Cyrillic and Greek letters (already case-folded) to Latin.  Look-alikes map by shape (А→A,
# В→B, Н→H, Р→P, С→C, У→Y, Х→X ...) because that is how a marking is *read*; letters without a
# Latin look-alike map to the usual transliteration (Б→B, Д→D, И→I, П→P, З→Z, Г→G, Л→L, Ж→ZH),
# as in DOMAIN.md's "БПЗ = BPZ".  Soft/hard signs carry no sound and are dropped.
_CYRILLIC: Final[dict[str, str]] = {
    "а": "A",
    "б": "B",
    "в": "B",
    "г": "G",
    "д": "D",
    "е": "E",
    "ё": "E",
    "ж": "ZH",
    "з": "Z",
    "и": "I",
    "й": "I",
    "к": "K",
    "л": "L",
    "м": "M",
    "н": "H",
    "о": "O",
    "п": "P",
    "р": "P",
    "с": "C",
    "т": "T",
    "у": "Y",
    "ф": "F",
    "х": "X",
    "ц": "TS",
    "ч": "CH",
    "ш": "SH",
    "щ": "SHCH",
    "ъ": "",
    "ы": "Y",
    "ь": "",
    "э": "E",
    "ю": "YU",
    "я": "YA",
    # Ukrainian, Belarusian, Serbian/Macedonian letters
    "і": "I",
    "ї": "I",
    "є": "E",
    "ґ": "G",
    "ў": "U",
    "ј": "J",
    "љ": "LJ",
    "њ": "NJ",
    "ћ": "C",
    "ђ": "DJ",
    "џ": "DZ",
    "ѕ": "S",
}
_GREEK: Final[dict[str, str]] = {
    "α": "A",
    "β": "B",
    "γ": "G",
    "δ": "D",
    "ε": "E",
    "ζ": "Z",
    "η": "H",
    "θ": "TH",
    "ι": "I",
    "κ": "K",
    "λ": "L",
    "μ": "M",
    "ν": "N",
    "ξ": "X",
    "ο": "O",
    "π": "P",
    "ρ": "P",
    "σ": "S",
    "ς": "S",
    "τ": "T",
    "υ": "Y",
    "φ": "F",
    "χ": "X",
    "ψ": "PS",
    "ω": "O",
}
# Symbols that stand for a letter in calibres ("7.62×39") and model names.
_SYMBOLS: Final[dict[str, str]] = {"×": "X"}
_TRANSLIT: Final[dict[str, str]] = {**_CYRILLIC, **_GREEK, **_SYMBOLS}

#: Two-letter transliterations of one Cyrillic/Greek letter (Ж → ZH, Ц → TS, Ч → CH, Ш → SH, Ю → YU,
#: Я → YA, ...).  A reading that lacks such a letter, or has one character in its place, differs by
#: *one* letter of the marking, so the ranking counts it as one edit, not two.
TRANSLITERATION_DIGRAPHS: Final[frozenset[str]] = frozenset(
    v for v in (*_CYRILLIC.values(), *_GREEK.values()) if len(v) == 2
)

_ASCII_ALNUM: Final = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
# str.translate tables for the ASCII fast path (most registered serials are ASCII).
_DROP_ASCII: Final[dict[int, None]] = {c: None for c in range(128) if chr(c) not in _ASCII_ALNUM}
_DROP_ASCII_QUERY: Final[dict[int, None]] = {
    c: None for c in range(128) if chr(c) not in _ASCII_ALNUM and chr(c) not in "?*"
}
_CONFUSION_TABLE: Final[dict[int, str]] = {
    ord(member): rep for rep, members in CONFUSION_CLASSES.items() for member in members if member != rep
}


def _slow_normalise(raw: str, keep_wildcards: bool) -> str:
    """Full Unicode path: NFKC, case fold, strip accents, transliterate, fold decimal digits."""
    s = unicodedata.normalize("NFKC", raw).casefold()
    s = unicodedata.normalize("NFD", s)
    out: list[str] = []
    for ch in s:
        if ch.isascii():
            up = ch.upper()
            if up in _ASCII_ALNUM or (keep_wildcards and ch in "?*"):
                out.append(up)
            continue
        t = _TRANSLIT.get(ch)
        if t is not None:
            out.append(t)
            continue
        d = unicodedata.decimal(ch, None)
        if d is not None:  # any script's decimal digit: Arabic-Indic, Devanagari, fullwidth ...
            out.append(str(d))
            continue
        if unicodedata.category(ch) == "Mn":  # accents removed by NFD: É → E
            continue
        if ch.isalnum():  # a letter of another script: keep it rather than lose information
            out.append(ch.upper())
    return "".join(out)


def _normalise(raw: str, keep_wildcards: bool) -> str:
    if raw.isascii():
        return raw.upper().translate(_DROP_ASCII_QUERY if keep_wildcards else _DROP_ASCII)
    s = _slow_normalise(raw, keep_wildcards)
    # Upper-casing a character of another script can produce something NFKC changes again;
    # iterate to a fixed point so normalisation is idempotent.
    for _ in range(4):
        if s.isascii():
            break
        t = _slow_normalise(s, keep_wildcards)
        if t == s:
            break
        s = t
    return s


def normalise_serial(raw: str) -> str:
    """Return the normalised form of a serial as registered or read.

    NFKC compatibility folding, every Unicode decimal digit to 0-9, Cyrillic/Greek letters to
    Latin (look-alikes by shape, the others by transliteration), case folding to upper case, and
    removal of spaces, hyphens, slashes, dots and every other non-alphanumeric character.  The raw
    text must be stored separately: this form is for comparison and display of differences only.
    """
    return _normalise(raw, False)


def normalise_query(raw: str) -> str:
    """Like :func:`normalise_serial` but keeps the wildcards ``?`` (one illegible character) and
    ``*`` (any run of illegible characters).  Consecutive ``*`` are merged."""
    s = _normalise(raw, True)
    while "**" in s:
        s = s.replace("**", "*")
    return s


def confusion_key(normalised: str) -> str:
    """Fold the optical confusion classes (:data:`CONFUSION_CLASSES`) of a *normalised* serial or
    query.  Two readings that differ only by confusions have the same key; wildcards are kept."""
    return normalised.translate(_CONFUSION_TABLE)


def normalise_name(name: str) -> str:
    """Normalise a manufacturer, model, calibre or country name for comparison: the same folding
    as serials (case, script, punctuation and space insensitive), so "ИЖМАШ", "Izhmash" and
    "IZH-MASH" compare by their normalised forms (IZHMASH)."""
    return _normalise(name, False)


def raw_positions(raw: str, normalised: str) -> list[int] | None:
    """Map each character of ``normalised`` (== ``normalise_serial(raw)``) to the index of the raw
    character it came from, so a user interface can highlight the raw marking.  Returns ``None``
    when the mapping is not character-by-character (rare combining sequences)."""
    if raw == normalised:  # nothing removed or folded (the common case)
        return list(range(len(raw)))
    if raw.isascii():  # the ASCII fast path keeps exactly the letters and digits
        out = [i for i, ch in enumerate(raw) if ch.isalnum()]
        return out if len(out) == len(normalised) else None
    out = []
    for i, ch in enumerate(raw):
        out.extend([i] * _normalised_length(ch))
    if len(out) != len(normalised):
        return None
    return out


@lru_cache(maxsize=4096)
def _normalised_length(ch: str) -> int:
    """How many normalised characters one raw character becomes (Ж: 2, a separator: 0)."""
    return len(_normalise(ch, False))
