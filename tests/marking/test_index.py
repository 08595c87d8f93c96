"""Behaviour of MarkingIndex on the reading errors of DOMAIN.md "Tracing" (no Django)."""

from __future__ import annotations

from pathlib import Path

import pytest

from armstrace.marking import MarkingIndex, Match

ALIASES = {"ИЖМАШ": "Kalashnikov Concern", "Izhmash": "Kalashnikov Concern", "Factory 66": "Norinco"}

RECORDS = [
    dict(
        record_id=1,
        serial="1985 ЛТ 1234",
        manufacturer="Izhmash",
        model="AKM",
        calibre="7.62x39mm",
        country="RU",
    ),
    dict(
        record_id=2,
        serial="AK120345",
        manufacturer="Norinco",
        model="Type 56",
        calibre="7.62x39mm",
        country="CN",
    ),
    dict(record_id=3, serial="369J257", manufacturer="Colt", model="M16A1", calibre="5.56x45mm", country="US"),
    dict(
        record_id=4,
        serial="1985LT1234",
        manufacturer="Norinco",
        model="Type 56",
        calibre="7.62x39mm",
        country="CN",
    ),
    dict(
        record_id=5,
        serial="AB1234 1989",
        manufacturer="Cugir",
        model="PM md. 63",
        calibre="7.62x39mm",
        country="RO",
    ),
    dict(
        record_id=6,
        serial="66 1237345",
        manufacturer="Norinco",
        model="Type 56",
        calibre="7.62x39mm",
        country="CN",
    ),
    dict(
        record_id=7,
        serial="A1 12345",
        manufacturer="Heckler & Koch",
        model="G3",
        calibre="7.62x51mm",
        country="DE",
    ),
    dict(
        record_id=8,
        serial="9M32M 12345",
        manufacturer="KBM Kolomna",
        model="9K32M",
        calibre="72mm",
        country="RU",
    ),
    dict(
        record_id=9,
        serial="БПЗ 4711",
        manufacturer="Arsenal AD",
        model="AKK",
        calibre="7.62x39mm",
        country="BG",
    ),
    dict(
        record_id=10,
        serial="1234567",
        manufacturer="FN Herstal",
        model="FAL",
        calibre="7.62x51mm",
        country="BE",
    ),
    dict(record_id=11, serial="1234567", manufacturer="Colt", model="M16A1", calibre="5.56x45mm", country="US"),
    dict(record_id=12, serial="S5B8Z2G6", manufacturer="Glock", model="G17", calibre="9x19mm", country="AT"),
    dict(record_id=13, serial="7H3Q998", manufacturer="Beretta", model="92FS", calibre="9x19mm", country="IT"),
    dict(record_id=14, serial="X7H3Q12", manufacturer="Beretta", model="92FS", calibre="9x19mm", country="IT"),
    dict(
        record_id=15,
        serial="4455123345",
        manufacturer="Norinco",
        model="Type 81",
        calibre="7.62x39mm",
        country="CN",
    ),
    dict(record_id=16, serial="1200089", manufacturer="Zastava", model="M70", calibre="7.62x39mm", country="RS"),
    dict(record_id=17, serial="DIP502", manufacturer="Glock", model="G19", calibre="9x19mm", country="AT"),
]


@pytest.fixture()
def index() -> MarkingIndex:
    ix = MarkingIndex(ALIASES)
    ix.add_many(RECORDS)
    return ix


def ids(matches: list[Match]) -> list[int]:
    return [m.record_id for m in matches]


def top(ix: MarkingIndex, q: str, **kw: str) -> Match:
    res = ix.search(q, **kw)
    assert res, f"nothing found for {q!r}"
    return res[0]


@pytest.mark.parametrize(
    ("reading", "expected", "assumed"),
    [
        ("AK12O345", 2, "0 read as O"),  # O <-> 0
        ("AK12034S", 2, "5 read as S"),  # S <-> 5
        ("A812O345".replace("8", "K"), 2, "0 read as O"),
        ("AK1Z0345", 2, "2 read as Z"),  # Z <-> 2
        ("S5B8Z2G6".replace("G", "6"), 12, "G read as 6"),  # G <-> 6
        ("55882266", 12, "S read as 5"),
        ("S588Z2G6", 12, "B read as 8"),  # B <-> 8
        ("AI 12345", 7, "1 read as I"),  # I <-> 1
        ("Al 12345", 7, "1 read as L"),  # lower-case l <-> 1
    ],
)
def test_optical_confusions(index: MarkingIndex, reading: str, expected: int, assumed: str) -> None:
    m = top(index, reading)
    assert m.record_id == expected
    assert assumed in m.explanation
    assert m.kind == "full"
    assert any(d.kind == "confusion" for d in m.differences)
    assert m.distance == pytest.approx(0.2 * sum(d.kind == "confusion" for d in m.differences))


def test_cyrillic_letters_and_transliteration(index: MarkingIndex) -> None:
    assert top(index, "1985 LT 1234", manufacturer="ИЖМАШ").record_id == 1
    assert top(index, "BPZ 4711").record_id == 9  # БПЗ = BPZ
    assert top(index, "БПЗ4711").record_id == 9
    assert top(index, "9М32М 12345").record_id == 8  # Cyrillic М in a Latin marking
    assert top(index, "ΑΚ120345").record_id == 2  # Greek look-alikes


def test_arabic_indic_and_other_digit_scripts(index: MarkingIndex) -> None:
    m = top(index, "٦٦ ١٢٣٧٣٤٥")
    assert m.record_id == 6 and m.kind == "exact"
    assert "another script" in m.explanation
    assert top(index, "۶۶۱۲۳۷۳۴۵").record_id == 6  # Eastern Arabic-Indic
    assert top(index, "６６１２３７３４５").record_id == 6  # fullwidth


def test_question_mark_is_one_illegible_character(index: MarkingIndex) -> None:
    m = top(index, "AK12?345")
    assert m.record_id == 2
    assert "illegible (?)" in m.explanation and "assumed 0 at position 5" in m.explanation
    # exactly one character: a ? cannot stand for two
    assert 2 not in ids(index.search("AK1?345"))


def test_star_is_any_run(index: MarkingIndex) -> None:
    assert top(index, "*3345").record_id == 15
    res = index.search("12*89")
    assert ids(res)[0] == 16
    assert all(m.normalised.startswith("12") and m.normalised.endswith("89") for m in res)
    assert 15 in ids(index.search("44*"))


def test_substring_of_partial_reading(index: MarkingIndex) -> None:
    res = index.search("7H3")
    assert set(ids(res)) >= {13, 14}
    assert all(m.kind == "partial" for m in res)
    assert "partial reading" in res[0].explanation
    # a partial reading ranks below a full one
    index.add(200, "ZZ-7H3Q99-ZZ")
    res = index.search("7H3Q99")
    assert [(m.record_id, m.kind) for m in res[:2]] == [(13, "full"), (200, "partial")]
    assert res[0].score > res[1].score


def test_letters_between_digits_like_ncic(index: MarkingIndex) -> None:
    m = top(index, "369257")
    assert m.record_id == 3
    assert "between digits" in m.explanation
    assert m.distance == pytest.approx(0.5)
    m = top(index, "369J257")
    assert m.kind == "exact"


def test_edits_substitution_deletion_insertion_transposition(index: MarkingIndex) -> None:
    assert top(index, "AK120346").record_id == 2  # substitution
    assert top(index, "AK12045").record_id == 2  # deletion
    assert top(index, "AK1203457").record_id == 2  # insertion
    m = top(index, "AK123045")
    assert m.record_id == 2 and "swapped" in m.explanation  # transposition
    assert top(index, "AK12O3A6").record_id == 2  # confusion + 2 edits still found
    assert index.search("ZZ999999") == [] or all(m.score < 14 for m in index.search("ZZ999999"))


def test_exact_match_ranks_first(index: MarkingIndex) -> None:
    index.add(100, "1985LTI234", manufacturer="Izhmash")  # confusion-only variant of record 1/4
    res = index.search("1985LT1234", manufacturer="Izhmash", model="AKM")
    assert [m.kind for m in res[:2]] == ["exact", "exact"]
    assert {m.record_id for m in res[:2]} == {1, 4}
    assert res[0].record_id == 1  # attributes order the exact ones
    assert res[2].record_id == 100 and res[2].kind == "full"
    # even when the confusion-only record agrees on everything and the exact one on nothing
    res = index.search("1985LTI234", manufacturer="Norinco")
    assert res[0].record_id == 100 and res[0].kind == "exact"


def test_ties_are_all_returned_beyond_limit(index: MarkingIndex) -> None:
    for i in range(20):
        index.add(1000 + i, "QX4711", manufacturer=f"Maker {i}")
    res = index.search("QX4711", limit=3)
    assert len(res) == 20
    assert len({m.score for m in res}) == 1
    # duplicated serial of two manufacturers: both returned even with limit=1
    res = index.search("1234567", limit=1)
    assert set(ids(res)) == {10, 11}


def test_unknown_manufacturer_never_hides(index: MarkingIndex) -> None:
    base = index.search("AK12O345")
    res = index.search("AK12O345", manufacturer="Unheard-of Arms Works")
    assert ids(res) == ids(base)
    assert [m.score for m in res] == [m.score for m in base]
    assert "unknown to the index" in res[0].explanation
    # a known but *different* manufacturer lowers the score slightly, never hides
    res = index.search("AK12O345", manufacturer="Colt", model="M16A1", calibre="5.56", country="US")
    assert ids(res)[0] == 2
    assert res[0].score < base[0].score
    assert base[0].score - res[0].score < 0.2


def test_agreeing_details_outweigh_one_reading_error() -> None:
    ix = MarkingIndex()
    ix.add(1, "4184798", manufacturer="Kalashnikov Concern", model="AKM", calibre="7.62x39mm")
    ix.add(2, "5181798", manufacturer="FN Herstal", model="FAL", calibre="7.62x51mm")
    ix.add(3, "5184798", manufacturer="Colt", model="M16A1", calibre="5.56x45mm")
    reading = "5181798"  # record 1 read with two digits wrong
    # without details the serial decides: record 2 (exact), record 3 (one edit), record 1 (two)
    assert ids(ix.search(reading)) == [2, 3, 1]
    # each detail given that agrees counts for more than one reading error
    for details in ({"manufacturer": "Kalashnikov Concern"}, {"model": "AKM"}, {"calibre": "7.62x39"}):
        res = ix.search(reading, **details)
        assert ids(res)[:2] == [2, 1], details  # an exact reading still ranks first
        assert res[1].score > res[2].score
        assert res[2].record_id == 3 and res[2].kind == "full"


def _crowded_index() -> MarkingIndex:
    """One Norinco rifle, and thirty Zastava rifles two edits from a reading of it."""
    ix = MarkingIndex()
    ix.add(1, "386 5512379", manufacturer="Norinco", model="Type 56", calibre="7.62x39mm")
    pairs = [a + b for a in "03456789" for b in "03456789"][:30]  # both digits differ from "12"
    for i, p in enumerate(pairs):
        ix.add(100 + i, f"386 55{p}378", manufacturer="Zastava Arms", model="M70", calibre="7.62x39mm")
    return ix


def test_a_wrong_manufacturer_never_hides_the_closest_serial() -> None:
    ix = _crowded_index()
    reading = "386 5512378"  # one digit misread; the officer names the wrong manufacturer
    res = ix.search(reading, manufacturer="Zastava Arms")
    found = {m.record_id: m for m in res}
    assert 1 in found  # thirty Zastava records score higher, yet the closest serial is returned
    assert found[1].closest_serial and found[1].distance == pytest.approx(1.0)
    assert "closest serials" in found[1].explanation and "manufacturer differs" in found[1].explanation
    assert res == sorted(res, key=lambda m: -m.score)  # still in score order
    assert sum(m.closest_serial for m in res) >= 1
    assert not any(m.closest_serial for m in res if m.record_id != 1 and m.score >= found[1].score)
    # with the right manufacturer it ranks first, and no result needs the flag
    right = ix.search(reading, manufacturer="Norinco")
    assert right[0].record_id == 1 and not any(m.closest_serial for m in right)
    # without details the ranking is the serial's alone: nothing is flagged
    assert not any(m.closest_serial for m in ix.search(reading))


def test_closest_serials_keep_their_ties() -> None:
    ix = _crowded_index()
    for i in range(5):  # five more rifles of another maker, all one edit from the reading
        ix.add(200 + i, f"386 551237{i}", manufacturer="Arsenal AD", model="AKK", calibre="7.62x39mm")
    res = ix.search("386 5512378", manufacturer="Zastava Arms", limit=10)
    one_edit = {m.record_id for m in res if m.distance == pytest.approx(1.0)}
    assert {1, 200, 201, 202, 203, 204} <= one_edit  # all six tied closest serials


def test_manufacturer_alias_is_normalised(index: MarkingIndex) -> None:
    res = index.search("1985LT1234", manufacturer="izh-mash")
    assert res[0].record_id == 1 and "manufacturer agrees" in res[0].explanation
    res = index.search("1985LT1234", manufacturer="Kalashnikov  concern")
    assert res[0].record_id == 1
    res = index.search("1985LT1234", manufacturer="FACTORY-66")
    assert res[0].record_id == 4


def test_remove_and_readd(index: MarkingIndex) -> None:
    n = len(index)
    assert index.remove(2)
    assert not index.remove(2)
    assert len(index) == n - 1
    assert 2 not in ids(index.search("AK120345"))
    index.add(2, "AK999999")
    assert len(index) == n
    assert top(index, "AK999999").record_id == 2
    index.add(7, "ZZ12345")  # re-adding replaces
    assert len(index) == n
    assert all(m.serial != "A1 12345" for m in index.search("A1 12345"))
    assert top(index, "ZZ12345").record_id == 7


def test_save_load_round_trip_with_overlay(index: MarkingIndex, tmp_path: Path) -> None:
    before = {
        q: [(m.record_id, m.score, m.explanation) for m in index.search(q)]
        for q in ("AK12O345", "*3345", "7H3", "1985 LT 1234", "369257")
    }
    index.save(tmp_path / "ix")
    loaded = MarkingIndex.load(tmp_path / "ix")
    assert len(loaded) == len(index)
    for q, expected in before.items():
        assert [(m.record_id, m.score, m.explanation) for m in loaded.search(q)] == expected
    # overlay on top of the memory-mapped base
    loaded.add(500, "NEW-0001", manufacturer="Izhmash")
    loaded.remove(2)
    loaded.add(6, "66 7654321", manufacturer="Norinco")  # change of record 6
    assert top(loaded, "NEW0001").record_id == 500
    assert 2 not in ids(loaded.search("AK120345"))
    assert 6 not in ids(loaded.search("661237345"))
    assert top(loaded, "667654321").record_id == 6
    assert len(loaded) == len(index) + 1 - 1
    loaded.save(tmp_path / "ix2")
    again = MarkingIndex.load(tmp_path / "ix2")
    assert len(again) == len(loaded)
    assert top(again, "NEW0001", manufacturer="ИЖМАШ").record_id == 500
    assert "manufacturer agrees" in top(again, "NEW0001", manufacturer="ИЖМАШ").explanation
    assert 2 not in ids(again.search("AK120345"))
    assert top(again, "667654321").record_id == 6


def test_add_many_on_loaded_index_and_empty_queries(index: MarkingIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "ix")
    loaded = MarkingIndex.load(tmp_path / "ix")
    loaded.add_many([dict(record_id=900 + i, serial=f"QQ{i:05d}") for i in range(5)])
    assert top(loaded, "QQ00003").record_id == 903
    assert loaded.search("") == []
    assert loaded.search("*") == []
    assert loaded.search("-/ .") == []
    empty = MarkingIndex()
    assert len(empty) == 0 and empty.search("AK12345") == []
    empty.add(1, "AK12345")
    assert top(empty, "AK12?45").record_id == 1


def test_match_exposes_positions_for_highlighting(index: MarkingIndex) -> None:
    m = top(index, "1985 1T 1234")
    assert m.serial == "1985 ЛТ 1234" and m.normalised == "1985LT1234"
    (d,) = m.differences
    assert (d.kind, d.position, d.expected, d.read) == ("confusion", 4, "L", "1")
    assert d.raw_position == 5  # the Л in the raw marking
    assert m.manufacturer == "Izhmash"


def test_two_letter_transliteration_counts_as_one_edit() -> None:
    ix = MarkingIndex()
    ix.add_many(
        [
            dict(record_id=1, serial="1985 ЖТ 1234"),  # normalised 1985ZHT1234
            dict(record_id=2, serial="1985 КТ 1239"),
            dict(record_id=3, serial="Ж-1970-5678"),
        ]
    )
    m = top(ix, "1985 T 1234")  # the Ж was not read
    assert m.record_id == 1 and m.normalised == "1985ZHT1234"
    assert m.distance == pytest.approx(1.0)
    (d,) = m.differences
    assert (d.kind, d.expected, d.read) == ("missing", "ZH", "")
    m = top(ix, "1985 XT 1234")  # Ж read as another letter: one substitution
    assert m.record_id == 1 and m.distance == pytest.approx(1.0)
    assert "ZH read as X" in m.explanation
    # one further edit is still within the 2 tolerated (3 key edits: found when the pigeonhole
    # index still sees two intact parts, as here)
    m = top(ix, "19705679")
    assert m.record_id == 3 and m.distance == pytest.approx(2.0)


def test_fragment_that_is_a_substring_is_in_the_top_ten() -> None:
    ix = MarkingIndex()
    recs = [dict(record_id=i, serial=f"{48200 + i:05d}") for i in range(30)]  # short serials
    recs += [dict(record_id=100 + i, serial=f"KX{i:03d}7{i:04d}") for i in range(60)]  # typical
    recs.append(dict(record_id=999, serial="AK-48-21377"))  # contains the fragment 48213
    ix.add_many(recs)
    res = ix.search("48213")
    # many 5-character serials are within 1-2 edits, yet the record containing the fragment
    # gets a reserved slot; partial matches still rank below every full match
    assert 999 in ids(res)
    # the reserved slots never cut full matches tied with the last full one kept (7 of 10 here)
    full = [m for m in res if m.kind != "partial"]
    assert len(full) >= 7
    everything = ix.search("48213", limit=200)
    tied = [m.record_id for m in everything if m.kind != "partial" and m.score >= full[6].score - 1e-9]
    assert set(tied) <= set(ids(full))
    kinds = [m.kind for m in res]
    assert kinds.index("partial") > 0 and "full" not in kinds[kinds.index("partial") :]
    assert next(m for m in res if m.record_id == 999).kind == "partial"


def test_staged_search_equals_exhaustive_search() -> None:
    import random

    rng = random.Random(5)
    recs = []
    for i in range(4000):
        r = rng.random()
        if r < 0.5:
            s = f"{rng.randrange(10**7):07d}"
        elif r < 0.7:
            s = f"{rng.choice('ABHNPC')}{rng.randrange(10**6):06d}"
        elif r < 0.85:
            s = f"19{rng.randrange(60, 92)}{rng.choice(['ZH', 'LT', 'J', 'HP'])}{rng.randrange(10**4):04d}"
        else:
            s = f"{rng.randrange(100, 999)}{rng.choice('OISB')}{rng.randrange(10**4):04d}"
        recs.append(
            dict(
                record_id=i + 1,
                serial=s,
                manufacturer=rng.choice(["Colt", "FN", None]),
                calibre=rng.choice(["5.56x45mm", "7.62x51mm", None]),
            )
        )
    ix = MarkingIndex()
    ix.add_many(recs)
    ex = MarkingIndex()
    ex.add_many(recs)
    ex._exhaustive = True
    for _ in range(150):
        s = str(rng.choice(recs)["serial"])
        for _ in range(rng.randrange(3)):
            p = rng.randrange(len(s))
            op = rng.randrange(3)
            c = rng.choice("0123456789OSBH")
            s = s[:p] + c + s[p + 1 :] if op == 0 else s[:p] + s[p + 1 :] if op == 1 else s[:p] + c + s[p:]
        details = {"manufacturer": rng.choice(["Colt", "FN", None]), "calibre": rng.choice(["5.56", None])}
        a = [(m.record_id, m.score, m.closest_serial, m.explanation) for m in ix.search(s, **details)]
        b = [(m.record_id, m.score, m.closest_serial, m.explanation) for m in ex.search(s, **details)]
        assert a == b, s


def _unmix64(value: int) -> int:
    """Inverse of the splitmix64 finaliser (``_arrays.mix64``): how keys were stored before format 3."""
    mask = (1 << 64) - 1

    def unshift(x: int, s: int) -> int:
        y = x
        for _ in range(64 // s + 1):
            y = x ^ (y >> s)
        return y & mask

    x = unshift(value, 31)
    x = (x * pow(0x94D049BB133111EB, -1, 1 << 64)) & mask
    x = unshift(x, 27)
    x = (x * pow(0xBF58476D1CE4E5B9, -1, 1 << 64)) & mask
    return unshift(x, 30)


@pytest.mark.parametrize(
    "fmt, missing",
    [
        (1, ("cheap", "cpair_keys", "cpair_rows", "kpack", "pair_kp", "cpair_kp", "pair_dir", "cpair_dir")),
        (2, ("pair_kp", "cpair_kp", "pair_dir", "cpair_dir")),
    ],
)
def test_loads_older_index_formats(index: MarkingIndex, tmp_path: Path, fmt: int, missing: tuple[str, ...]) -> None:
    """An index saved by format 1 or 2 (pair keys not mixed, fewer arrays) still answers alike."""
    import json

    import numpy as np

    from armstrace.marking import _arrays as A

    index.save(tmp_path / "ix")
    d = tmp_path / "ix"
    keys = np.load(d / "pair_keys.npy")
    assert [_unmix64(int(k)) for k in A.mix64(keys[:5])] == keys[:5].tolist()
    for prefix in ("", "c") if fmt == 2 else ("",):
        keys = np.array([_unmix64(int(k)) for k in np.load(d / f"{prefix}pair_keys.npy")], dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        np.save(d / f"{prefix}pair_keys.npy", keys[order])
        np.save(d / f"{prefix}pair_rows.npy", np.load(d / f"{prefix}pair_rows.npy")[order])
    for name in missing:
        (d / f"{name}.npy").unlink()
    meta = json.loads((d / "meta.json").read_text())
    meta["format"] = fmt
    (d / "meta.json").write_text(json.dumps(meta))
    loaded = MarkingIndex.load(d)
    for q in ("AK12O345", "1985 LT 1234", "369257", "7H3"):
        assert [m.record_id for m in loaded.search(q)] == [m.record_id for m in index.search(q)]
    assert np.array_equal(loaded._store["pair_keys"], index._store["pair_keys"])


def test_fast_explanations_agree_with_the_weighted_alignment() -> None:
    import random

    from armstrace.marking.distance import align
    from armstrace.marking.index import _fast_diffs

    rng = random.Random(3)
    checked = 0
    for _ in range(3000):
        r = "".join(rng.choice("0123456789AKTWXOS") for _ in range(rng.randrange(5, 10)))
        q = list(r)
        for _ in range(rng.randrange(1, 3)):
            p = rng.randrange(len(q))
            op = rng.randrange(3)
            if op == 0:
                q[p] = rng.choice("0123456789AKTWX")
            elif op == 1:
                del q[p]
            else:
                q.insert(p, rng.choice("0123456789AKTWX"))
        qs = "".join(q)
        d, diffs = align(qs, r)
        fast = _fast_diffs(qs, r, d)
        if fast is None:
            continue
        checked += 1
        assert len(fast) == round(d) and all(x.kind in ("substitution", "missing", "extra") for x in fast)
        # the differences turn the registered serial into the reading (and cost d in total)
        out, j = [], 0
        for x in fast:
            out.append(r[j : x.position])
            j = x.position
            if x.kind == "extra":
                out.append(x.read)
            elif x.kind == "missing":
                j += 1
            else:
                out.append(x.read)
                j += 1
        out.append(r[j:])
        assert "".join(out) == qs
    assert checked > 500


def test_results_are_described_when_read_even_after_the_index_is_saved_over(tmp_path: Path) -> None:
    ix = MarkingIndex()
    ix.add_many(dict(record_id=i, serial=f"AK{i:06d}", manufacturer="Norinco") for i in range(1, 200))
    ix.save(tmp_path / "ix")
    loaded = MarkingIndex.load(tmp_path / "ix")
    res = loaded.search("AK0000I2", manufacturer="Factory 66")  # not described yet
    # the same directory is rewritten while the results (and the memory map) are alive
    loaded.remove(12)
    loaded.add(5000, "ZZ999", manufacturer="Colt")
    loaded.save(tmp_path / "ix")
    m = res[0]
    assert (m.record_id, m.serial, m.normalised, m.manufacturer) == (12, "AK000012", "AK000012", "Norinco")
    assert "I read as 1" in m.explanation or "1 read as I" in m.explanation
    assert [(d.kind, d.position) for d in m.differences] == [("confusion", 6)]
    assert MarkingIndex.load(tmp_path / "ix").search("AK000012")[0].record_id != 12


def test_match_equality_and_public_constructor() -> None:
    ix = MarkingIndex()
    ix.add(1, "AB123456", manufacturer="Glock")
    a, b = ix.search("AB123456")[0], ix.search("AB123456")[0]
    assert a == b and hash(a) == hash(b)
    made = Match(1, a.score, a.explanation, a.serial, a.normalised, a.distance, a.kind, a.differences, "Glock")
    assert made == a and "exact match" in repr(made)


def test_every_record_within_two_key_edits_is_found() -> None:
    """The pigeonhole index, its swap variants and the staged search lose nothing: with a limit
    as large as the index, every record within two OSA edits of the reading's confusion key is
    returned (readings made by two random edits, swaps next to other edits included)."""
    import random

    from rapidfuzz.distance import OSA

    from armstrace.marking import confusion_key, normalise_serial

    rng = random.Random(11)
    alphabet = "0123456789ABCDEHKMPTX"
    serials = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(5, 12))) for _ in range(3000)]
    serials += [s[:3] + s[4] + s[3] + s[5:] for s in serials[:300]]  # near neighbours: swaps
    ix = MarkingIndex()
    ix.max_results = 10_000
    ix.add_many(dict(record_id=i + 1, serial=s) for i, s in enumerate(serials))
    keys = [confusion_key(normalise_serial(s)) for s in serials]
    for n in range(240):
        s = list(rng.choice(serials))
        # half of the readings: a swap and one more edit (a swap across a part boundary damages
        # two of the four parts, the other edit a third: only the undone swap finds the record)
        for t in range(2):
            p = rng.randrange(len(s) - 1)
            op = 3 if n % 2 and t == 0 else rng.randrange(4)
            if op == 0:
                s[p] = rng.choice(alphabet)
            elif op == 1:
                del s[p]
            elif op == 2:
                s.insert(p, rng.choice(alphabet))
            else:
                s[p], s[p + 1] = s[p + 1], s[p]
        reading = "".join(s)
        if len(reading) < 5:
            continue
        key = confusion_key(normalise_serial(reading))
        expected = {i + 1 for i, k in enumerate(keys) if OSA.distance(key, k) <= 2}
        found = {m.record_id for m in ix.search(reading, limit=len(serials)) if m.kind != "partial"}
        assert expected <= found, (reading, sorted(expected - found)[:5])


def test_bulk_build_keeps_serials_with_line_breaks_in_their_place() -> None:
    """A serial typed with a line break (kept as a space in the raw reading) neither breaks the
    records after it nor the details of any record."""
    records = [
        dict(record_id=1, serial="AB\n1234-56", manufacturer="Norinco", model="Type 56"),
        dict(record_id=2, serial="CD\r\n654321", manufacturer="Izhmash"),
        dict(record_id=3, serial="EF777888", calibre="7.62x39mm"),
    ]
    ix = MarkingIndex(ALIASES)
    ix.add_many(records)
    first, second, third = (top(ix, s) for s in ("AB123456", "CD654321", "EF777888"))
    assert (first.record_id, first.serial, first.manufacturer) == (1, "AB 1234-56", "Norinco")
    assert (second.record_id, second.serial, second.manufacturer) == (2, "CD  654321", "Izhmash")
    assert (third.record_id, third.serial, third.manufacturer) == (3, "EF777888", None)
    assert [m.distance for m in (first, second, third)] == [0.0, 0.0, 0.0]


def test_stages_measure_non_ascii_serials_and_skip_removed_records() -> None:
    """Records whose key the compiled scan cannot measure (a character outside ASCII) send the
    stage to its general path, which finds the same records; removed records are never
    returned by either path."""
    import random

    from rapidfuzz.distance import OSA

    from armstrace.marking import confusion_key, normalise_serial

    rng = random.Random(3)
    alphabet = "0123456789ABCHKX"
    serials = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(6, 10))) for _ in range(2000)]
    for i in range(0, 2000, 20):  # one in twenty holds a character the scan cannot pack
        p = rng.randrange(len(serials[i]))
        serials[i] = serials[i][:p] + "中" + serials[i][p + 1 :]
    ix = MarkingIndex()
    ix.max_results = 10_000
    ix.add_many(dict(record_id=i + 1, serial=s) for i, s in enumerate(serials))
    removed = set(range(1, 2001, 7))
    for rid in removed:
        ix.remove(rid)
    keys = [confusion_key(normalise_serial(s)) for s in serials]
    non_ascii_found = 0
    for n in range(120):
        s = list(serials[rng.randrange(len(serials))] if n % 3 else serials[rng.randrange(0, 2000, 20)])
        p = rng.randrange(len(s))
        s[p] = rng.choice(alphabet)
        reading = "".join(s)
        key = confusion_key(normalise_serial(reading))
        expected = {i + 1 for i, k in enumerate(keys) if OSA.distance(key, k) <= 2} - removed
        found = {m.record_id for m in ix.search(reading, limit=len(serials)) if m.kind != "partial"}
        assert expected <= found, (reading, sorted(expected - found)[:5])
        assert not found & removed, reading
        non_ascii_found += sum(1 for rid in expected if not keys[rid - 1].isascii())
    assert non_ascii_found > 20
