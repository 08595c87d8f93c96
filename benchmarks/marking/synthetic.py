"""Deterministic synthetic weapon records and corrupted readings for the marking index.

Records: realistic serial formats per manufacturer (AK pattern from several factories, FN FAL,
HK G3, PKM, RPG-7, SA-7b 9K32M, pistols ...), with Cyrillic letters where the real markings have
them, varied separators, and about 1 % of serials deliberately re-used by another manufacturer
(a serial alone is not a key).  Numbers are drawn at random, so realistic *collisions* (the same
or nearly the same serial on different weapons) occur naturally.

Readings (queries) follow a documented corruption model, each with the id of the record it was
derived from (the ground truth):

========== ==================================================================================
class      corruption
========== ==================================================================================
exact      same serial, separators / case changed
edit1      one of: substitution (different digit/letter), optical confusion (O/0, I/l/1, S/5,
           B/8, Z/2, G/6), deletion, insertion, adjacent transposition, script change (Latin
           look-alikes typed in Cyrillic/Greek, digits in Arabic-Indic/Eastern Arabic-Indic/
           fullwidth, Cyrillic transliterated)
edit2      two of the above
wildcard   1-2 characters replaced by ``?``, or a ``*`` for a worn start (``*`` + last 5-7) or
           middle (first 3 + ``*`` + last 3)
partial    5-6 contiguous legible characters, no wildcard
========== ==================================================================================

70 % of readings name the manufacturer (by a random alias, possibly Cyrillic), 10 % name a
manufacturer the register does not know, 20 % none; 40 % give the model and the calibre.  The
details given are right, as the main classes measure reading errors of the serial.

Officers also misattribute weapons (an AK-pattern rifle of one factory taken for another's):
:func:`misattributed` makes diagnostic copies of readings with the manufacturer replaced by
another of the same pattern (:data:`SAME_PATTERN`), and with the model replaced by another
maker's model of the same calibre, to measure what the details' weight costs when they are wrong.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

CYR = "АБВГДЕЖИКЛМНПРСТУФХЦЧШЭЮЯ"
LAT = "ABCDEFGHJKLMNPRSTUVWXYZ"


@dataclass(frozen=True)
class Maker:
    name: str
    aliases: tuple[str, ...]
    country: str
    models: tuple[tuple[str, str], ...]  # (model, calibre)
    weight: float
    fmt: str


MAKERS: tuple[Maker, ...] = (
    Maker(
        "Kalashnikov Concern",
        ("Izhmash", "ИЖМАШ", "Izhevsk Machine Works", "IZH-MASH"),
        "RU",
        (("AKM", "7.62x39mm"), ("AK-74", "5.45x39mm")),
        0.12,
        "izhmash",
    ),
    Maker(
        "Tula Arms Plant",
        ("TOZ", "ТОЗ", "Tulsky Oruzheiny Zavod"),
        "RU",
        (("SKS", "7.62x39mm"),),
        0.04,
        "tula",
    ),
    Maker(
        "Norinco",
        ("China North Industries", "NORINCO Group", "Factory 66"),
        "CN",
        (("Type 56", "7.62x39mm"), ("Type 81", "7.62x39mm")),
        0.15,
        "norinco",
    ),
    Maker(
        "Arsenal AD",
        ("Arsenal", "Арсенал", "Arsenal Kazanlak"),
        "BG",
        (("AKK", "7.62x39mm"),),
        0.06,
        "arsenal",
    ),
    Maker("Cugir", ("UM Cugir", "Uzina Mecanica Cugir"), "RO", (("PM md. 63", "7.62x39mm"),), 0.06, "cugir"),
    Maker(
        "FN Herstal",
        ("Fabrique Nationale", "FN"),
        "BE",
        (("FAL", "7.62x51mm"), ("Hi-Power", "9x19mm")),
        0.08,
        "fn",
    ),
    Maker("Heckler & Koch", ("H&K", "HK", "Heckler und Koch"), "DE", (("G3", "7.62x51mm"),), 0.06, "hk"),
    Maker("Degtyarev Plant", ("ZID", "ЗиД", "Kovrov"), "RU", (("PKM", "7.62x54R"),), 0.04, "pkm"),
    Maker("Bazalt", ("Базальт", "GNPP Bazalt"), "RU", (("RPG-7", "40mm"),), 0.02, "rpg"),
    Maker("KBM Kolomna", ("КБМ", "Kolomna"), "RU", (("9K32M", "72mm"),), 0.01, "strela"),
    Maker(
        "Zastava Arms",
        ("Zastava", "Застава", "Crvena Zastava"),
        "RS",
        (("M70", "7.62x39mm"),),
        0.07,
        "zastava",
    ),
    Maker("Glock", ("Glock GmbH",), "AT", (("G17", "9x19mm"), ("G19", "9x19mm")), 0.07, "glock"),
    Maker("Beretta", ("Pietro Beretta", "Beretta S.p.A."), "IT", (("92FS", "9x19mm"),), 0.05, "beretta"),
    Maker("Ceska zbrojovka", ("CZ", "Česká zbrojovka", "CZUB"), "CZ", (("CZ 75", "9x19mm"),), 0.05, "cz"),
    Maker("Colt", ("Colt's Manufacturing", "Colt Firearms"), "US", (("M16A1", "5.56x45mm"),), 0.05, "colt"),
    Maker(
        "Izhevsk Mechanical Plant", ("Izhmekh", "ИЖМЕХ", "Baikal"), "RU", (("PM", "9x18mm"),), 0.04, "izhmekh"
    ),
    Maker("SIG Sauer", ("SIG", "Sig-Sauer"), "CH", (("P226", "9x19mm"),), 0.03, "sig"),
    Maker("MKE", ("Makina ve Kimya", "MKEK"), "TR", (("G3A7", "7.62x51mm"),), 0.03, "mke"),
    Maker("POF", ("Pakistan Ordnance Factories",), "PK", (("G3P4", "7.62x51mm"),), 0.03, "pof"),
)
UNKNOWN_MAKER = "Unknown Arms Works"


def aliases() -> dict[str, str]:
    """Alias -> canonical name, as the application would fill it from its catalogue."""
    out: dict[str, str] = {}
    for m in MAKERS:
        out[m.name] = m.name
        for a in m.aliases:
            out[a] = m.name
    return out


def _sep(rng: random.Random) -> str:
    return rng.choice(("", " ", " ", "-", "/"))


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randrange(10**n)).zfill(n)


def _serial(fmt: str, rng: random.Random) -> str:
    s = _sep(rng)
    if fmt == "izhmash":
        if rng.random() < 0.3:
            return _digits(rng, 7)
        return f"{rng.randrange(1960, 1992)}{s}{rng.choice(CYR)}{rng.choice(CYR)}{s}{_digits(rng, 4)}"
    if fmt == "tula":
        return f"{rng.choice(CYR)}{rng.choice(CYR)}{s}{_digits(rng, 4)}{s}{rng.randrange(1949, 1956)}"
    if fmt == "norinco":
        return f"{rng.choice(('66', '26', '386'))}{s}{_digits(rng, rng.choice((7, 8)))}"
    if fmt == "arsenal":
        return f"10{s}{rng.choice(CYR)}{rng.choice(CYR)}{s}{_digits(rng, 5)}"
    if fmt == "cugir":
        return f"{rng.choice(LAT)}{rng.choice(LAT)}{_digits(rng, 4)}{s or ' '}{rng.randrange(1963, 1990)}"
    if fmt == "fn":
        if rng.random() < 0.3:
            return f"245PM{_digits(rng, 5)}"
        return _digits(rng, 7)
    if fmt == "hk":
        return f"{rng.choice(LAT)}{rng.randrange(1, 10)}{s or ' '}{_digits(rng, 5)}"
    if fmt == "pkm":
        return f"{rng.choice(CYR)}{rng.choice(CYR)}{s}{_digits(rng, 4)}{s}{rng.randrange(1969, 1991)}"
    if fmt == "rpg":
        return f"{rng.choice(CYR)}{rng.choice(CYR)}{s}{rng.randrange(60, 92)}{s}{_digits(rng, 4)}"
    if fmt == "strela":
        return f"{rng.choice(('9М32М', '9M32M'))}{s or ' '}{_digits(rng, 5)}"
    if fmt == "zastava":
        return _digits(rng, 6) if rng.random() < 0.5 else f"{rng.choice(LAT)}{_digits(rng, 6)}"
    if fmt == "glock":
        return f"{rng.choice(LAT)}{rng.choice(LAT)}{rng.choice(LAT)}{_digits(rng, 3)}"
    if fmt == "beretta":
        return f"{rng.choice(LAT)}{_digits(rng, 5)}{rng.choice(LAT)}"
    if fmt == "cz":
        return f"{rng.choice(LAT)}{_digits(rng, 6)}"
    if fmt == "colt":
        return _digits(rng, 7) if rng.random() < 0.6 else f"LE{_digits(rng, 6)}"
    if fmt == "izhmekh":
        return f"{rng.choice(CYR)}{rng.choice(CYR)}{s}{_digits(rng, 4)}{s}{rng.randrange(1951, 1995)}"
    if fmt == "sig":
        return f"{rng.choice(('G', 'U', 'S'))}{_digits(rng, 6)}"
    if fmt == "mke":
        return f"T0{s}{_digits(rng, 7)}"
    if fmt == "pof":
        return f"{rng.choice(LAT)}{_digits(rng, 6)}{s}POF"
    raise ValueError(fmt)


@dataclass
class Dataset:
    record_ids: np.ndarray  # int64
    serials: list[str]
    maker: np.ndarray  # index into MAKERS, uint8
    model: np.ndarray  # index into the maker's models, uint8

    def __len__(self) -> int:
        return len(self.serials)

    def record(self, i: int) -> dict[str, object]:
        m = MAKERS[int(self.maker[i])]
        model, calibre = m.models[int(self.model[i]) % len(m.models)]
        return {
            "record_id": int(self.record_ids[i]),
            "serial": self.serials[i],
            "manufacturer": m.name,
            "model": model,
            "calibre": calibre,
            "country": m.country,
        }

    def records(self) -> Iterator[dict[str, object]]:
        for i in range(len(self.serials)):
            yield self.record(i)


def generate(n: int, seed: int = 1) -> Dataset:
    """n records; record ids are 1..n in random order (so id order != generation order)."""
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    w = np.array([m.weight for m in MAKERS])
    maker = nprng.choice(len(MAKERS), size=n, p=w / w.sum()).astype(np.uint8)
    model = nprng.integers(0, 2, size=n, dtype=np.uint8)
    fmts = [MAKERS[i].fmt for i in range(len(MAKERS))]
    serials = [_serial(fmts[i], rng) for i in maker.tolist()]
    # ~1 % re-use of another record's serial by a different manufacturer
    dup = np.flatnonzero(nprng.random(n) < 0.01)
    src = nprng.integers(0, n, size=len(dup))
    for d, s in zip(dup.tolist(), src.tolist(), strict=True):
        serials[d] = serials[s]
    ids = nprng.permutation(n).astype(np.int64) + 1
    return Dataset(ids, serials, maker, model)


# ---------------------------------------------------------------- corruption model
CONFUSE = {
    "0": "O",
    "O": "0",
    "1": "Il",
    "I": "1l",
    "L": "1",
    "5": "S",
    "S": "5",
    "8": "B",
    "B": "8",
    "2": "Z",
    "Z": "2",
    "6": "G",
    "G": "6",
}
LAT_TO_CYR = {
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
CYR_TO_LAT = {
    "Б": "B",
    "Д": "D",
    "И": "I",
    "П": "P",
    "З": "Z",
    "Г": "G",
    "Л": "L",
    "Ж": "ZH",
    "А": "A",
    "К": "K",
    "М": "M",
    "Т": "T",
    "Х": "X",
    "Е": "E",
    "О": "O",
    "Ф": "F",
}
DIGIT_SCRIPTS = ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "０１２３４５６７８９")
EDIT_OPS = ("substitution", "confusion", "deletion", "insertion", "transposition", "script")


def _alnum_positions(s: str) -> list[int]:
    return [i for i, c in enumerate(s) if c.isalnum()]


def corrupt(serial: str, op: str, rng: random.Random) -> str:
    """Apply one corruption of the model to a raw serial."""
    pos = _alnum_positions(serial)
    if not pos:
        return serial
    if op == "confusion":
        cand = [i for i in pos if serial[i].upper() in CONFUSE]
        if cand:
            i = rng.choice(cand)
            return serial[:i] + rng.choice(CONFUSE[serial[i].upper()]) + serial[i + 1 :]
        op = "substitution"
    if op == "script":
        cand = [i for i in pos if serial[i] in LAT_TO_CYR or serial[i] in CYR_TO_LAT or serial[i].isdigit()]
        if cand:
            i = rng.choice(cand)
            c = serial[i]
            if c.isdigit():
                digits = rng.choice(DIGIT_SCRIPTS)
                # a whole run of digits typed in the other script (a clerk's keyboard)
                j = i
                while j < len(serial) and serial[j].isdigit():
                    j += 1
                k = i
                while k > 0 and serial[k - 1].isdigit():
                    k -= 1
                return serial[:k] + "".join(digits[int(x)] for x in serial[k:j]) + serial[j:]
            repl = LAT_TO_CYR.get(c) or CYR_TO_LAT[c]
            return serial[:i] + repl + serial[i + 1 :]
        op = "substitution"
    if op == "substitution":
        i = rng.choice(pos)
        c = serial[i]
        alphabet = "0123456789" if c.isdigit() else LAT
        bad = {c.upper(), *CONFUSE.get(c.upper(), "").upper()}
        choices = [x for x in alphabet if x not in bad and x not in CONFUSE.get(c.upper(), "")]
        return serial[:i] + rng.choice(choices) + serial[i + 1 :]
    if op == "deletion":
        i = rng.choice(pos)
        return serial[:i] + serial[i + 1 :]
    if op == "insertion":
        i = rng.choice(pos + [len(serial)])
        return serial[:i] + rng.choice("0123456789" if rng.random() < 0.8 else LAT) + serial[i:]
    if op == "transposition":
        pairs = [
            (a, b)
            for a, b in zip(pos, pos[1:], strict=False)
            if b == a + 1 and serial[a].upper() != serial[b].upper()
        ]
        if not pairs:
            return corrupt(serial, "substitution", rng)
        a, b = rng.choice(pairs)
        return serial[:a] + serial[b] + serial[a] + serial[b + 1 :]
    raise ValueError(op)


def reformat(serial: str, rng: random.Random) -> str:
    """Change separators and case only (an exact reading)."""
    chars = [c for c in serial if c.isalnum()]
    out = []
    for i, c in enumerate(chars):
        if i and rng.random() < 0.15:
            out.append(rng.choice(" -./"))
        out.append(c.lower() if rng.random() < 0.2 else c)
    return "".join(out)


@dataclass(frozen=True)
class Query:
    klass: str
    text: str
    target: int  # record id of the ground truth
    ops: tuple[str, ...]
    manufacturer: str | None
    model: str | None
    calibre: str | None


def make_queries(
    ds: Dataset,
    n: int,
    seed: int = 7,
    classes: tuple[str, ...] = ("exact", "edit1", "edit2", "wildcard", "partial"),
) -> list[Query]:
    """n readings spread evenly over the classes, deterministic by seed."""
    rng = random.Random(seed)
    out: list[Query] = []
    for qi in range(n):
        klass = classes[qi % len(classes)]
        i = rng.randrange(len(ds))
        rec = ds.record(i)
        serial = str(rec["serial"])
        ops: tuple[str, ...] = ()
        if klass == "exact":
            text = reformat(serial, rng)
        elif klass in ("edit1", "edit2"):
            ops = tuple(rng.choice(EDIT_OPS) for _ in range(1 if klass == "edit1" else 2))
            text = serial
            for op in ops:
                text = corrupt(text, op, rng)
        elif klass == "wildcard":
            chars = [c for c in serial if c.isalnum()]
            r = rng.random()
            if r < 0.5:
                for _ in range(rng.choice((1, 2))):
                    chars[rng.randrange(len(chars))] = "?"
                text = "".join(chars)
            elif r < 0.75:
                text = "*" + "".join(chars[-rng.choice((5, 6, 7)) :])
            else:
                text = "".join(chars[:3]) + "*" + "".join(chars[-3:])
        else:  # partial
            chars = [c for c in serial if c.isalnum()]
            ln = min(len(chars) - 1, rng.choice((5, 6)))
            start = rng.randrange(0, len(chars) - ln + 1)
            text = "".join(chars[start : start + ln])
        m = MAKERS[int(ds.maker[i])]
        r = rng.random()
        manu = rng.choice((m.name, *m.aliases)) if r < 0.7 else UNKNOWN_MAKER if r < 0.8 else None
        model = rec["model"] if rng.random() < 0.4 else None
        calibre = rec["calibre"] if rng.random() < 0.4 else None
        out.append(
            Query(
                klass,
                text,
                int(rec["record_id"]),
                ops,
                manu,
                model,  # type: ignore[arg-type]
                calibre,
            )
        )  # type: ignore[arg-type]
    return out


#: manufacturers whose weapons are easily taken for each other's (same pattern and calibres)
SAME_PATTERN: tuple[tuple[str, ...], ...] = (
    ("Kalashnikov Concern", "Norinco", "Arsenal AD", "Cugir", "Zastava Arms", "Tula Arms Plant"),
    ("Heckler & Koch", "MKE", "POF"),
    ("FN Herstal", "Glock", "Beretta", "Ceska zbrojovka", "SIG Sauer", "Izhevsk Mechanical Plant"),
    ("Degtyarev Plant", "Bazalt", "KBM Kolomna"),
    ("Colt", "FN Herstal"),
)


def misattributed(queries: list[Query], seed: int = 5) -> list[Query]:
    """Diagnostic readings: every reading that names a known manufacturer, with another
    manufacturer of the same pattern instead (class ``<class>_wrong_maker``), and every reading
    that gives a model, with another maker's model of the same calibre (``<class>_wrong_model``)
    when there is one."""
    from dataclasses import replace

    rng = random.Random(seed)
    canonical = aliases()
    peers = {m: group for group in SAME_PATTERN for m in group}
    calibre_of = {model: cal for mk in MAKERS for model, cal in mk.models}
    models_of_calibre: dict[str, list[str]] = {}
    for model, cal in calibre_of.items():
        models_of_calibre.setdefault(cal, []).append(model)
    out: list[Query] = []
    for q in queries:
        true = canonical.get(q.manufacturer or "")
        if true is not None:
            wrong = [m for m in peers.get(true, ()) if m != true]
            out.append(replace(q, klass=f"{q.klass}_wrong_maker", manufacturer=rng.choice(wrong)))
        if q.model is not None:
            others = [m for m in models_of_calibre[calibre_of[q.model]] if m != q.model]
            if others:
                out.append(replace(q, klass=f"{q.klass}_wrong_model", model=rng.choice(others)))
    return out
