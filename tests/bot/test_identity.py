from bot.identity import sender_id


def test_sender_id_is_stable_and_pseudonymous():
    first = sender_id("telegram", 123456789, "secret")
    assert first == sender_id("telegram", "123456789", "secret")
    assert first.startswith("telegram-") and "123456789" not in first
    assert first != sender_id("telegram", 123456789, "other secret")
    assert first != sender_id("telegram", 123456780, "secret")
    assert first != sender_id("terminal", 123456789, "secret")
