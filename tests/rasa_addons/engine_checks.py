"""Checks of rasa_addons that must run inside the engine environment (Rasa is only there).

Run by test_rasa_addons.py as `.venv/engine/bin/python engine_checks.py CHECK DATA_DIR`;
each check raises AssertionError on failure and prints "ok" when it passes. The tracker store
uses SQLite in DATA_DIR, or ENGINE_CHECK_TRACKER_URL (PostgreSQL, with Rasa's
POSTGRESQL_SCHEMA naming a schema of its own) when that is set.
"""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))


def _store(data_dir: Path, **kwargs):
    from rasa.shared.core.domain import Domain

    from rasa_addons.tracker_store import CachedSQLTrackerStore

    domain = Domain.from_dict({
        "intents": ["greet"],
        "slots": {name: {"type": "text", "mappings": []} for name in ("name", "measure")},
        "forms": {"intake_form": {"required_slots": ["name"]}},
    })
    url = os.environ.get("ENGINE_CHECK_TRACKER_URL") or f"sqlite:///{data_dir / 'tracker.db'}"
    return CachedSQLTrackerStore(domain=domain, host=url, **kwargs)


def _conversation(store, sender: str):
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered

    async def run():
        tracker = await store.get_or_create_tracker(sender)
        tracker.update(UserUttered("hallo", {"name": "greet", "confidence": 1.0}))
        tracker.update(SlotSet("name", "Jan Peeters"))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)
        return tracker

    return asyncio.run(run())


def check_saved_tracker_is_served_from_memory(data_dir: Path) -> None:
    store = _store(data_dir)
    saved = _conversation(store, "a")
    again = asyncio.run(store.retrieve("a"))
    assert again is saved, "a saved, unchanged conversation is not reloaded"
    reloaded = asyncio.run(_store(data_dir).retrieve("a"))  # a fresh store reads SQL
    assert [e.as_dict() for e in reloaded.events] == [e.as_dict() for e in saved.events]


def check_each_event_of_a_cached_conversation_is_stored_once(data_dir: Path) -> None:
    from rasa.shared.core.events import ActionExecuted, UserUttered

    store = _store(data_dir)
    saved = _conversation(store, "f")
    for turn in range(3):
        tracker = asyncio.run(store.retrieve("f"))
        assert tracker is saved
        tracker.update(UserUttered(f"vraag {turn}", {"name": "greet", "confidence": 1.0}))
        tracker.update(ActionExecuted("action_listen"))
        asyncio.run(store.save(tracker))
    reloaded = asyncio.run(_store(data_dir).retrieve("f"))
    assert [e.as_dict() for e in reloaded.events] == [e.as_dict() for e in saved.events]


def check_unsaved_changes_are_not_served(data_dir: Path) -> None:
    from rasa.shared.core.events import UserUttered

    store = _store(data_dir)
    saved = _conversation(store, "b")
    stored_events = len(saved.events)
    saved.update(UserUttered("nog iets", {"name": "greet", "confidence": 1.0}))  # a turn that failed
    again = asyncio.run(store.retrieve("b"))
    assert again is not saved and len(again.events) == stored_events


def check_deleted_conversation_is_not_revived(data_dir: Path) -> None:
    import sqlalchemy as sa

    store = _store(data_dir)
    _conversation(store, "c")
    with store.engine.begin() as connection:  # what the front end does on request
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'c'"))
    assert asyncio.run(store.retrieve("c")) is None
    fresh = asyncio.run(store.get_or_create_tracker("c"))
    assert fresh.get_slot("name") is None


def check_an_erasure_turn_leaves_no_copy_in_memory(data_dir: Path) -> None:
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

    store = _store(data_dir)
    tracker = _conversation(store, "g")
    assert "g" in store._cache
    tracker.update(UserUttered("wis mijn gegevens", {"name": "greet", "confidence": 1.0}))
    tracker.update(BotUttered("Gewist.", {"custom": {"tnw_delete_conversation": True}}))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))
    assert "g" not in store._cache, "the erased conversation is still held in memory"
    tracker.update(UserUttered("hallo", {"name": "greet", "confidence": 1.0}))  # a later, ordinary turn
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))
    assert "g" in store._cache


def check_writes_by_another_server_invalidate_the_cache(data_dir: Path) -> None:
    from rasa.shared.core.events import SlotSet

    first, second = _store(data_dir), _store(data_dir)
    _conversation(first, "d")
    other = asyncio.run(second.retrieve("d"))
    other.update(SlotSet("name", "An"))
    asyncio.run(second.save(other))
    assert asyncio.run(first.retrieve("d")).get_slot("name") == "An"


def check_cache_is_bounded(data_dir: Path) -> None:
    store = _store(data_dir, cache_size=2)
    for sender in ("e1", "e2", "e3"):
        _conversation(store, sender)
    assert list(store._cache) == ["e2", "e3"]
    assert asyncio.run(store.retrieve("e1")).get_slot("name") == "Jan Peeters"  # from SQL


def _long_conversation(store, sender: str, turns: int):
    """`turns` turns of a form conversation; the form starts at turn 2 and asks for `name`."""
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered

    async def run():
        for turn in range(turns):
            tracker = await store.get_or_create_tracker(sender)
            tracker.update(UserUttered(f"vraag {turn}", {"name": "greet", "confidence": 1.0}))
            tracker.update(SlotSet("measure", f"m{turn}"))
            if turn == 2:
                tracker.update(ActionExecuted("intake_form"))
                tracker.update(ActiveLoop("intake_form"))
                tracker.update(SlotSet("requested_slot", "name"))
            tracker.update(BotUttered(f"antwoord {turn}"))
            tracker.update(ActionExecuted("action_listen"))
            await store.save(tracker)
        return await store.retrieve(sender)

    return asyncio.run(run())


def check_a_long_conversation_is_compacted_and_keeps_its_state(data_dir: Path) -> None:
    from rasa.shared.core.events import SessionStarted, UserUttered

    from rasa_addons.compaction import COPY_MARK

    store = _store(data_dir, compact_after_events=12)
    tracker = _long_conversation(store, "h", turns=30)
    from rasa.shared.core.trackers import EventVerbosity

    assert len(tracker.events) <= 12 + 8, f"the session was not compacted: {len(tracker.events)} events"
    # What Rasa sends the action server with each custom action (RemoteAction._action_call_format).
    sent = tracker.current_state(EventVerbosity.ALL)["events"]
    assert len(sent) == len(tracker.events), "the action server would get more than the compacted session"
    assert isinstance(tracker.events[0], SessionStarted)
    assert tracker.get_slot("measure") == "m29" and tracker.get_slot("requested_slot") == "name"
    assert tracker.active_loop_name == "intake_form", "the running form was lost"
    users = [e for e in tracker.events if isinstance(e, UserUttered)]
    assert (users[0].metadata or {}).get(COPY_MARK), "the turn before the checkpoint was not carried over"
    assert tracker.latest_message.text == "vraag 29"
    reloaded = asyncio.run(_store(data_dir, compact_after_events=12).retrieve("h"))  # what another server reads
    assert [e.as_dict() for e in reloaded.events] == [e.as_dict() for e in tracker.events]
    assert reloaded.active_loop_name == "intake_form" and reloaded.get_slot("measure") == "m29"


def check_compaction_off_keeps_every_event(data_dir: Path) -> None:
    tracker = _long_conversation(_store(data_dir, compact_after_events=0), "i", turns=12)
    assert len(tracker.events) == 1 + 12 * 4 + 3  # a new tracker starts with action_listen


def check_erasure_reaches_compacted_history(data_dir: Path) -> None:
    import sqlalchemy as sa

    store = _store(data_dir, compact_after_events=12)
    _long_conversation(store, "j", turns=20)
    with store.engine.begin() as connection:  # what the front end does on request
        rows = connection.execute(sa.text("SELECT COUNT(*) FROM events WHERE sender_id = 'j'")).scalar()
        assert rows > 20 * 4
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'j'"))
    assert asyncio.run(store.retrieve("j")) is None
    fresh = asyncio.run(_store(data_dir, compact_after_events=12).get_or_create_tracker("j"))
    assert fresh.get_slot("measure") is None and fresh.active_loop_name is None


def check_retention_reaches_compacted_history(data_dir: Path) -> None:
    """intake.conversations.purge_events deletes by timestamp; a checkpoint is an ordinary row."""
    import sqlalchemy as sa
    from rasa.shared.core.events import SessionStarted

    store = _store(data_dir, compact_after_events=12)
    tracker = _long_conversation(store, "k", turns=20)
    checkpoint_time = next(e.timestamp for e in tracker.events if isinstance(e, SessionStarted))
    with store.engine.begin() as connection:  # retention's cut-off between old history and the checkpoint
        connection.execute(sa.text("DELETE FROM events WHERE timestamp < :cutoff"), {"cutoff": checkpoint_time})
    kept = asyncio.run(_store(data_dir, compact_after_events=12).retrieve("k"))
    assert [e.as_dict() for e in kept.events] == [e.as_dict() for e in tracker.events]
    with store.engine.begin() as connection:  # a cut-off after the last message: nothing stays
        connection.execute(sa.text("DELETE FROM events WHERE timestamp < :cutoff"),
                           {"cutoff": tracker.events[-1].timestamp + 1})
    assert asyncio.run(_store(data_dir, compact_after_events=12).retrieve("k")) is None


def check_schema_is_checked_once_and_responses_still_validated(data_dir: Path) -> None:
    import jsonschema
    from jsonschema.validators import Draft202012Validator
    from rasa.core.actions.action import RemoteAction

    from rasa_addons import serve

    serve.install()
    calls = []
    original = Draft202012Validator.check_schema
    Draft202012Validator.check_schema = classmethod(lambda cls, schema: calls.append(1) or original(schema))
    try:
        action = RemoteAction("action_x", None)
        good = {"events": [{"event": "slot", "name": "measure", "value": "vop"}], "responses": [{"text": "hoi"}]}
        for _ in range(3):
            assert action._validate_action_result(good)
        assert len(calls) == 1, calls
        try:
            action._validate_action_result({"events": [{"event": "slot", "name": 5}], "responses": "x"})
        except jsonschema.ValidationError as error:
            assert "Failed to validate Action server response" in error.message
        else:
            raise AssertionError("an invalid action response was accepted")
        try:
            jsonschema.validate({}, {"type": "no-such-type"})
        except jsonschema.SchemaError:
            pass
        else:
            raise AssertionError("an invalid schema was accepted")
    finally:
        Draft202012Validator.check_schema = original


def check_question_guard_reads_a_greeting_with_a_request_as_the_request(data_dir: Path) -> None:
    from rasa.shared.nlu.training_data.message import Message

    from rasa_addons.question_guard import QuestionGuard

    def parsed(text: str, ranking: list[tuple[str, float]]) -> Message:
        entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
        return Message(data={"text": text, "intent": dict(entries[0]), "intent_ranking": entries})

    request = parsed("Goeiedag! Ik zou graag met iemand van het ziekenfonds praten",
                     [("greet", 0.6), ("book_intake", 0.3), ("thank", 0.05), ("ask_measure", 0.05)])
    bare = parsed("goeiedag", [("greet", 0.9), ("book_intake", 0.1)])
    QuestionGuard().process([request, bare])
    assert request.data["intent"] == {"name": "book_intake", "confidence": 0.3 / 0.35}, request.data
    assert [entry["name"] for entry in request.data["intent_ranking"]] == ["book_intake", "ask_measure"]
    assert bare.data["intent"] == {"name": "greet", "confidence": 0.9}


def compare_model_loads(model: Path) -> None:
    """Not a check of its own (it needs a trained model): tests/integration/test_fast_model_load.py
    runs it. The trained model loaded with and without serve.install() parses alike."""
    import json

    from rasa.core.agent import load_agent
    from rasa.utils.tensorflow.models import RasaModel

    texts = ["hallo", "wat is de vop?", "ik wil een afspraak", "kan ik als zelfstandige terug werken",
             "dank u", "mijn werkgever wil mijn bureau aanpassen, wie betaalt dat"]

    def parse_all() -> list:
        agent = asyncio.run(load_agent(model_path=str(model)))
        return [asyncio.run(agent.parse_message(text)) for text in texts]

    original = RasaModel.load
    plain = parse_all()
    from rasa_addons import serve

    serve.install()
    assert RasaModel.load.__func__ is serve.load_with_eager_build
    assert original.__func__ is not serve.load_with_eager_build
    fast = parse_all()
    for before, after in zip(plain, fast, strict=True):
        assert before["intent"]["name"] == after["intent"]["name"], (before["text"], before["intent"], after["intent"])
        assert abs(before["intent"]["confidence"] - after["intent"]["confidence"]) < 1e-5, before["text"]
        assert json.dumps(before["entities"], sort_keys=True) == json.dumps(after["entities"], sort_keys=True)


if __name__ == "__main__":
    globals()[sys.argv[1]](Path(sys.argv[2]))
    print("ok")
