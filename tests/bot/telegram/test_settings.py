import pytest

from bot.telegram.settings import ConfigError, Settings

WEBHOOK = {
    "TELEGRAM_BOT_TOKEN": "1:abc",
    "TELEGRAM_MODE": "webhook",
    "TELEGRAM_WEBHOOK_URL": "https://bot.example.org",
    "TELEGRAM_WEBHOOK_SECRET": "s3cret_-OK",
    "TELEGRAM_SENDER_KEY": "k" * 40,
}


def test_no_token_says_how_to_get_one():
    with pytest.raises(ConfigError, match="BotFather"):
        Settings.from_env({})


def test_polling_needs_only_the_token_and_uses_a_random_key():
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:abc"})
    assert settings.mode == "polling" and settings.sender_key_is_random and len(settings.sender_key) == 32


def test_webhook_settings():
    settings = Settings.from_env({**WEBHOOK, "TELEGRAM_WEBHOOK_PORT": "8443", "RASA_URL": "http://127.0.0.1:5005/"})
    assert settings.webhook_secret == "s3cret_-OK" and settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.sender_key == b"k" * 40 and not settings.sender_key_is_random


@pytest.mark.parametrize(
    "missing, message",
    [
        ("TELEGRAM_WEBHOOK_SECRET", "SECRET"),
        ("TELEGRAM_SENDER_KEY", "SENDER_KEY"),
        ("TELEGRAM_WEBHOOK_URL", "WEBHOOK_URL"),
    ],
)
def test_webhook_mode_refuses_to_start_without_its_secrets(missing, message):
    env = {k: v for k, v in WEBHOOK.items() if k != missing}
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


@pytest.mark.parametrize("secret", ["has space", "x" * 257, "semi;colon"])
def test_secret_token_charset_is_telegrams(secret):
    with pytest.raises(ConfigError):
        Settings.from_env({**WEBHOOK, "TELEGRAM_WEBHOOK_SECRET": secret})


def test_plain_http_webhook_url_is_refused():
    with pytest.raises(ConfigError, match="https"):
        Settings.from_env({**WEBHOOK, "TELEGRAM_WEBHOOK_URL": "http://bot.example.org"})


def test_repr_never_shows_secrets():
    text = repr(Settings.from_env(WEBHOOK))
    assert "1:abc" not in text and "s3cret" not in text and "kkkk" not in text
