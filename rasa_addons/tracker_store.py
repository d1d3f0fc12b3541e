"""Rasa's SQL tracker store with the live conversations kept in memory.

Rasa rebuilds a conversation from every stored event of its session on each message: load the
rows, parse their JSON, replay them. Under load that was a quarter of the Rasa server's time,
and it grows with the length of the conversation. This store keeps the tracker of recent
conversations after saving it, and hands the same object back on the next message.

The database stays the truth. A cached tracker is used only while it is exactly what is
stored: the number of stored events of the conversation and the id of the newest one (read
with one indexed query) must equal what this store wrote, and nothing may have been added to
the tracker without being saved. Anything else — a failed turn, another Rasa server, the front
end deleting a conversation on the user's request — drops the entry and reloads from SQL.

A session longer than `compact_after_events` events is carried over into a fresh one after the
turn that passed the limit (rasa_addons/compaction.py), so the work per message stays flat.
"""
from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from rasa_addons.compaction import checkpoint, compacted_tracker, needs_compaction

DEFAULT_CACHE_SIZE = 200
# 0 turns compaction off; endpoints.yml sets it from TNW_COMPACT_AFTER_EVENTS.
DEFAULT_COMPACT_AFTER_EVENTS = 0
# The instruction a bot message carries when the user asked to erase their data (actions/privacy.py).
ERASURE_KEY = "tnw_delete_conversation"


def _asks_erasure(tracker: DialogueStateTracker) -> bool:
    """True when the latest turn (events since the last user message) carries the erasure instruction."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and ERASURE_KEY in ((event.data or {}).get("custom") or {}):
            return True
    return False


@dataclass
class _Entry:
    tracker: DialogueStateTracker
    events: int  # len(tracker.events) when it was saved
    stamp: tuple[int, int | None]  # (stored rows, newest row id) of the conversation


class CachedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore plus an LRU of the trackers it saved (`cache_size` conversations), and
    bounded sessions (`compact_after_events`, 0 = off)."""

    def __init__(self, *args: Any, cache_size: int = DEFAULT_CACHE_SIZE,
                 compact_after_events: int | str = DEFAULT_COMPACT_AFTER_EVENTS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cache_size = max(0, int(cache_size))
        self.compact_after_events = max(0, int(compact_after_events or 0))
        self._cache: OrderedDict[str, _Entry] = OrderedDict()

    def _stamp(self, session: Any, sender_id: str) -> tuple[int, int | None]:
        count, newest = (
            session.query(sa.func.count(self.SQLEvent.id), sa.func.max(self.SQLEvent.id))
            .filter(self.SQLEvent.sender_id == sender_id)
            .one()
        )
        return int(count), newest

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        entry = self._cache.pop(sender_id, None)
        if entry is not None and len(entry.tracker.events) == entry.events:
            with self.session_scope() as session:
                stamp = self._stamp(session, sender_id)
            if stamp == entry.stamp:
                self._cache[sender_id] = entry  # most recently used
                return entry.tracker
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events, as SQLTrackerStore.save does, and remember the tracker.

        The stamp is read inside the writing transaction, so it describes exactly the rows
        this save left behind.
        """
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        erasure = _asks_erasure(tracker)
        compaction = [] if erasure or not needs_compaction(tracker, self.compact_after_events) else checkpoint(tracker)
        with self.session_scope() as session:
            for event in itertools.chain(self._unsaved_events(session, tracker), compaction):
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.flush()
            stamp = self._stamp(session, sender_id)
            session.commit()
        if erasure:
            # The conversation is being erased: keep no copy of it in memory either.
            self._cache.pop(sender_id, None)
            return
        self._remember(compacted_tracker(tracker, compaction) if compaction else tracker, stamp)

    def _unsaved_events(self, session: Any, tracker: DialogueStateTracker) -> Iterable[Event]:
        """The events of `tracker` not yet in the database.

        For the tracker this store handed out, unchanged in the database since (same stamp),
        that is everything after what it saved; otherwise Rasa's own count of the stored events
        of the session decides (a query that was a tenth of the server's time per message).
        """
        entry = self._cache.get(tracker.sender_id)
        if entry is not None and entry.tracker is tracker and self._stamp(session, tracker.sender_id) == entry.stamp:
            return itertools.islice(tracker.events, entry.events, None)
        return self._additional_events(session, tracker)

    def _remember(self, tracker: DialogueStateTracker, stamp: tuple[int, int | None]) -> None:
        self._cache.pop(tracker.sender_id, None)
        if not self.cache_size:
            return
        self._cache[tracker.sender_id] = _Entry(tracker, len(tracker.events), stamp)
        for sender_id in list(itertools.islice(self._cache, max(0, len(self._cache) - self.cache_size))):
            del self._cache[sender_id]
