"""The marking indexes of this process, kept in step with the register through the ledger.

One `MarkingIndex` per (record type, owning State): a user's search runs on their State's index,
so scoping holds by construction (a central deployment can shard by State the same way). Records
shared with the user's organisation are searched in a small index built on the fly.

The index follows the register by reading the ledger after its cursor (the last entry applied):
whichever process wrote a record — a page, the API, a CLI import — the next search applies it.
If the entry under the cursor is gone or different (a rolled-back transaction, a restored
database) the indexes are rebuilt from the database.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from armstrace.catalogue.loader import manufacturer_aliases
from armstrace.core.models import LedgerEntry, Share
from armstrace.core.registration import REGISTRY, Registration
from armstrace.marking import MarkingIndex, Match
from armstrace.registry.models import ManpadsComponent, SerialisedItem, Weapon

log = logging.getLogger(__name__)
SEARCHED: tuple[type[SerialisedItem], ...] = (Weapon, ManpadsComponent)
FIELDS = ("pk", "serial_number", "manufacturer__name", "manufacturer_as_marked", "model__name", "owner_state_id",
          "country_of_manufacture_id")
CHUNK = 20_000


def _entry(row: dict[str, Any], calibre: str | None) -> dict[str, Any]:
    return {"record_id": row["pk"], "serial": row["serial_number"],
            "manufacturer": row["manufacturer__name"] or row["manufacturer_as_marked"] or None,
            "model": row["model__name"], "calibre": calibre, "country": row["country_of_manufacture_id"]}


def index_entries(model: type[SerialisedItem], queryset: models.QuerySet) -> Iterator[tuple[str, dict[str, Any]]]:
    """(owning State, index entry) for each record, read in chunks without model instances."""
    has_calibre = any(f.name == "calibre" for f in model._meta.fields)
    fields = (*FIELDS, "calibre__name") if has_calibre else FIELDS
    for row in queryset.order_by().values(*fields).iterator(chunk_size=CHUNK):
        yield row["owner_state_id"], _entry(row, row.get("calibre__name"))


@dataclass
class Candidate:
    """A search hit joined with its record, for pages, the API and the command line."""

    registration: Registration
    record: SerialisedItem
    match: Match

    @property
    def type_label(self) -> str:
        return str(self.registration.model._meta.verbose_name)

    @property
    def reported_missing_by(self) -> dict[str, Any] | None:
        """For a lost or stolen item: who reported it, when and where (the reporting event)."""
        if self.record.status not in ("lost", "stolen"):
            return None
        reports = self.record.events.filter(kind__in=["reported_lost", "reported_stolen"])
        event = reports.order_by("-date", "-pk").first()
        if event is None:
            return None
        entry = LedgerEntry.objects.filter(model=event._meta.label, object_id=str(event.pk), action="create").first()
        return {"date": event.date, "kind": event.get_kind_display(), "by": entry.username if entry else "",
                "organisation": str(self.record.owner_org or self.record.owner_state), "place": event.place}


class MarkingService:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or Path(settings.VAR_DIR) / "marking-index"
        self.lock = threading.RLock()
        self.indexes: dict[tuple[str, str], MarkingIndex] = {}
        self.cursor: tuple[int, str] | None = None  # (seq, hash) of the last ledger entry applied
        self.aliases: dict[str, str] = {}

    # ---------------------------------------------------------------- building
    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild every index from the database; returns the number of records indexed."""
        with self.lock:
            head = LedgerEntry.objects.order_by("-seq").values_list("seq", "hash").first()
            self.aliases = manufacturer_aliases()
            per_state: dict[tuple[str, str], list[dict[str, Any]]] = {}
            total = 0
            for model in SEARCHED:
                for state, entry in index_entries(model, model._base_manager.all()):
                    per_state.setdefault((model._meta.label, state), []).append(entry)
                    total += 1
                    if progress and total % 10_000 == 0:
                        progress(10_000)
            self.indexes = {}
            for key, entries in per_state.items():
                index = MarkingIndex(self.aliases)
                index.add_many(entries)
                self.indexes[key] = index
            self.cursor = head
            return total

    def save(self) -> Path:
        """Write the indexes (memory-mappable) and the cursor, so server processes start instantly."""
        with self.lock:
            self.catch_up()
            target = self.directory
            tmp = target.with_name(target.name + ".tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            names = {}
            for n, ((label, state), index) in enumerate(sorted(self.indexes.items())):
                index.save(tmp / f"{n}")
                names[str(n)] = [label, state]
            (tmp / "manifest.json").write_text(json.dumps({"cursor": self.cursor, "indexes": names}))
            shutil.rmtree(target, ignore_errors=True)
            tmp.rename(target)
            return target

    def _load_saved(self) -> bool:
        manifest = self.directory / "manifest.json"
        if not manifest.exists():
            return False
        meta = json.loads(manifest.read_text())
        self.aliases = manufacturer_aliases()
        self.indexes = {(label, state): MarkingIndex.load(self.directory / n, self.aliases)
                        for n, (label, state) in meta["indexes"].items()}
        self.cursor = tuple(meta["cursor"]) if meta["cursor"] else None
        return True

    # ---------------------------------------------------------------- following
    def _cursor_valid(self) -> bool:
        if self.cursor is None:
            return not LedgerEntry.objects.filter(seq__lte=1).exists() or not self.indexes
        seq, digest = self.cursor
        return LedgerEntry.objects.filter(seq=seq, hash=digest).exists()

    def catch_up(self) -> None:
        """Apply every ledger entry after the cursor that touched a searched record type."""
        with self.lock:
            if not self.indexes and self.cursor is None and not self._load_saved():
                self.rebuild()
                return
            if not self._cursor_valid():
                log.warning("marking index: ledger cursor no longer matches; rebuilding")
                self.rebuild()
                return
            after = self.cursor[0] if self.cursor else 0
            head = LedgerEntry.objects.filter(seq__gt=after).order_by("-seq").values_list("seq", "hash").first()
            if head is None:
                return
            labels = {m._meta.label: m for m in SEARCHED}
            changed = (LedgerEntry.objects.filter(seq__gt=after, seq__lte=head[0], model__in=list(labels))
                       .values_list("model", "object_id"))
            by_model: dict[str, set[int]] = {}
            for label, object_id in changed:
                by_model.setdefault(label, set()).add(int(object_id))
            for label, ids in by_model.items():
                self._apply(labels[label], ids)
            self.cursor = head

    def _apply(self, model: type[SerialisedItem], ids: Iterable[int]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), 900):
            queryset = model._base_manager.filter(pk__in=ids[start:start + 900])
            for state, entry in index_entries(model, queryset):
                key = (model._meta.label, state)
                if key not in self.indexes:
                    self.indexes[key] = MarkingIndex(self.aliases)
                self.indexes[key].add(entry.pop("record_id"), entry.pop("serial"), **entry)

    # ---------------------------------------------------------------- searching
    def search(self, user: Any, reading: str, *, limit: int = 10, **attributes: str | None) -> list[Candidate]:
        """Candidates for a reading among the records the user may see, best first."""
        attributes = {k: v for k, v in attributes.items() if v}
        with self.lock:
            self.catch_up()
            hits: list[tuple[type[SerialisedItem], Match]] = []
            for model in SEARCHED:
                index = self.indexes.get((model._meta.label, user.state_id or ""))
                if index is not None:
                    hits += [(model, m) for m in index.search(reading, limit=limit, **attributes)]
                hits += [(model, m) for m in self._search_shared(model, user, reading, limit, attributes)]
        hits.sort(key=lambda h: -h[1].score)
        return self._join(user, hits)

    def _search_shared(self, model, user, reading, limit, attributes) -> list[Match]:
        shared = Share.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                      organisation_id=user.organisation_id).values("object_id")
        queryset = model._base_manager.filter(pk__in=shared).exclude(owner_state_id=user.state_id)
        entries = [entry for _state, entry in index_entries(model, queryset)]
        if not entries:
            return []
        index = MarkingIndex(self.aliases)
        index.add_many(entries)
        return index.search(reading, limit=limit, **attributes)

    def _join(self, user: Any, hits: list[tuple[type[SerialisedItem], Match]]) -> list[Candidate]:
        records: dict[type, dict[int, SerialisedItem]] = {}
        for model in SEARCHED:
            ids = [m.record_id for mdl, m in hits if mdl is model]
            if ids:
                visible = model.objects.visible_to(user).filter(pk__in=ids).select_related(
                    "manufacturer", "model", "owner_state", "owner_org", "holder_org")
                records[model] = {r.pk: r for r in visible}
        registrations = {reg.model: reg for reg in REGISTRY.values()}
        return [Candidate(registrations[model], records[model][m.record_id], m)
                for model, m in hits if m.record_id in records.get(model, {})]

    def reset(self) -> None:
        with self.lock:
            self.indexes, self.cursor = {}, None


service = MarkingService()
