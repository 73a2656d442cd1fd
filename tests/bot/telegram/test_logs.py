import logging

from bot.telegram.logs import PrivacyFilter


def record(message, *args, name="bot.telegram"):
    return logging.LogRecord(name, logging.WARNING, __file__, 1, message, args, None)


def test_token_and_secrets_are_redacted():
    item = record("POST https://api.telegram.org/bot%s/sendMessage", "123:SECRET")
    PrivacyFilter(["123:SECRET"]).filter(item)
    assert "123:SECRET" not in item.getMessage() and "<redacted>" in item.getMessage()


def test_update_dumps_are_replaced():
    item = record("Webhook received data: %s", '{"message": {"text": "my name is Sam", "chat": {"id": 99}}}',
                  name="telegram.ext._utils.webhookhandler")
    PrivacyFilter().filter(item)
    assert "Sam" not in item.getMessage() and "99" not in item.getMessage()
