"""Bounded history: a long conversation is carried over into a fresh session.

Rasa 3.6 replays every event of the current session for each policy prediction and sends the
whole tracker to the action server for each custom action, so the cost of a message grows with
the length of the conversation. When a session passes `limit` events, the tracker store writes
a checkpoint after the finished turn:

    action_session_start, session_started,     a new session, as Rasa's own session start
    slot ..., active_loop ...                  every slot and the running form, as they were
                                               before the latest turn
    action_listen, <the latest turn again>     so rules that look at the previous bot action,
                                               and answers that read the previous question,
                                               see the same thing as before

Rasa reloads a conversation from its latest `session_started` on, so from then on only the
checkpoint and what follows it is read, replayed and sent. Nothing is shown to the user. The
copied turn is marked in its metadata (COPY_MARK) so a reader of the stored events can skip it.

Pure: builds events, touches no storage (rasa_addons/tracker_store.py writes them).
"""
from __future__ import annotations

import time

from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

COPY_MARK = "tnw_compaction_copy"
# The checkpoint's events come after every event it summarises: Rasa finds the session by the
# timestamp of `session_started`, and a turn's last event can be less than a millisecond old.
_GAP = 0.002


def session_events(tracker: DialogueStateTracker) -> list[Event]:
    """The events of the current session (from its `session_started`, or all when there is none)."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], SessionStarted):
            return events[index:]
    return events


def needs_compaction(tracker: DialogueStateTracker, limit: int) -> bool:
    """True when the session is longer than `limit` events and its turn is finished.

    A turn is finished when the bot listens again; a checkpoint in the middle of a turn would
    cut the actions Rasa is still predicting from their message.
    """
    if limit <= 0 or not tracker.events:
        return False
    latest = tracker.events[-1]
    if not (isinstance(latest, ActionExecuted) and latest.action_name == ACTION_LISTEN_NAME):
        return False
    events = session_events(tracker)
    return len(events) > limit and any(isinstance(event, UserUttered) for event in events)


def checkpoint(tracker: DialogueStateTracker, now: float | None = None) -> list[Event]:
    """The events that start the compacted session of `tracker` (see the module docstring)."""
    events = session_events(tracker)
    last_user = max(index for index, event in enumerate(events) if isinstance(event, UserUttered))
    before = tracker.init_copy()  # the state before the latest turn: its own events re-apply the rest
    for event in events[:last_user]:
        before.update(event)
    start = max(time.time() if now is None else now, tracker.events[-1].timestamp) + _GAP
    carried: list[Event] = [
        SlotSet(name, slot.value, timestamp=start)
        for name, slot in before.slots.items()
        if slot.value != slot.initial_value
    ]
    if before.active_loop_name:
        carried.append(ActiveLoop(before.active_loop_name, timestamp=start))
    latest_turn = [_copy(event, start) for event in events[last_user:]]
    return [
        ActionExecuted(ACTION_SESSION_START_NAME, timestamp=start - _GAP / 2),
        SessionStarted(timestamp=start),
        *carried,
        ActionExecuted(ACTION_LISTEN_NAME, timestamp=start),
        *latest_turn,
    ]


def compacted_tracker(tracker: DialogueStateTracker, checkpoint_events: list[Event]) -> DialogueStateTracker:
    """The tracker Rasa would load from the store after the checkpoint: from `session_started` on."""
    compact = tracker.init_copy()
    start = next(index for index, event in enumerate(checkpoint_events) if isinstance(event, SessionStarted))
    for event in checkpoint_events[start:]:
        compact.update(event)
    return compact


def _copy(event: Event, timestamp: float) -> Event:
    data = event.as_dict()
    data["timestamp"] = timestamp
    data["metadata"] = {**(data.get("metadata") or {}), COPY_MARK: True}
    copied = Event.from_parameters(data)
    assert copied is not None, data  # every event Rasa wrote can be read back
    return copied
