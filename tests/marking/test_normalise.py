"""Property and example tests of serial normalisation (no Django)."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from armstrace.marking import CONFUSION_CLASSES, confusion_key, normalise_query, normalise_serial

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
serials = st.text(alphabet=ALNUM + " -/.", min_size=1, max_size=16)
any_text = st.text(max_size=24)

# Every decimal digit of every script, from the Unicode database itself.
ALL_DECIMAL_DIGITS = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Nd"]

LOOKALIKE_CYRILLIC = {
    "A": "А",
    "B": "В",
    "E": "Е",
    "K": "К",
    "M": "М",
    "H": "Н",
    "O": "О",
    "P": "Р",
    "C": "С",
    "T": "Т",
    "X": "Х",
    "Y": "У",
}
LOOKALIKE_GREEK = {
    "A": "Α",
    "B": "Β",
    "E": "Ε",
    "Z": "Ζ",
    "H": "Η",
    "I": "Ι",
    "K": "Κ",
    "M": "Μ",
    "N": "Ν",
    "O": "Ο",
    "P": "Ρ",
    "T": "Τ",
    "Y": "Υ",
    "X": "Χ",
}


@given(any_text)
@settings(max_examples=400)
def test_normalise_is_idempotent(raw: str) -> None:
    n = normalise_serial(raw)
    assert normalise_serial(n) == n
    k = confusion_key(n)
    assert confusion_key(k) == k
    assert normalise_serial(k) == k


@given(any_text)
def test_normalised_has_no_separators_and_no_lowercase(raw: str) -> None:
    n = normalise_serial(raw)
    assert not any(c.isspace() or c in "-/.,_" for c in n)
    assert n == n.upper()


@given(st.text(alphabet=ALNUM, min_size=1, max_size=16), st.data())
def test_confusable_variant_has_same_confusion_key(serial: str, data: st.DataObject) -> None:
    variant = []
    for c in serial:
        cls = next((members for members in CONFUSION_CLASSES.values() if c in members), c)
        variant.append(data.draw(st.sampled_from(sorted(cls))))
    v = "".join(variant)
    # lower-case l is the classic 1/I confusion
    v = data.draw(st.sampled_from([v, v.replace("1", "l"), v.lower()]))
    assert confusion_key(normalise_serial(v)) == confusion_key(normalise_serial(serial))


@given(st.text(alphabet=ALNUM, min_size=1, max_size=16), st.sampled_from(["cyr", "greek"]), st.data())
def test_script_variant_normalises_identically(serial: str, script: str, data: st.DataObject) -> None:
    table = LOOKALIKE_CYRILLIC if script == "cyr" else LOOKALIKE_GREEK
    v = "".join(table[c] if c in table and data.draw(st.booleans()) else c for c in serial)
    sep = data.draw(st.sampled_from(["", " ", "-", "/", "."]))
    v = sep.join([v[: len(v) // 2], v[len(v) // 2 :]])
    assert normalise_serial(v) == normalise_serial(serial)


@given(st.lists(st.sampled_from(ALL_DECIMAL_DIGITS), min_size=1, max_size=12))
def test_decimal_digits_of_every_script_fold_to_ascii(digits: list[str]) -> None:
    expected = "".join(str(unicodedata.decimal(d)) for d in digits)
    assert normalise_serial("".join(digits)) == expected


def test_examples_from_domain() -> None:
    assert normalise_serial("БПЗ") == "BPZ"
    assert normalise_serial("1985 ЛТ-1234") == "1985LT1234"
    assert normalise_serial("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert normalise_serial("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert normalise_serial("１２３ＡＢ") == "123AB"
    assert normalise_serial("9М32М 12345") == "9M32M12345"
    assert normalise_serial("Д И Б Ж") == "DIBZH"
    assert normalise_serial("a.b/c-d e") == "ABCDE"
    assert confusion_key("O1ISBZGL") == "01158261"


def test_query_keeps_wildcards_and_merges_stars() -> None:
    assert normalise_query("ak-12?45") == "AK12?45"
    assert normalise_query("**33 45") == "*3345"
    assert normalise_query("１２＊８９") == "12*89"
