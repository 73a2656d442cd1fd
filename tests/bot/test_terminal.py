from bot.terminal import render
from tests.support.imports import heavy_modules_loaded_by


def test_render_numbers_the_buttons_of_the_last_message(capsys):
    buttons = render(
        [
            {"text": "hello\nworld"},
            {"text": "pick", "buttons": [{"title": "A", "payload": "/a"}, {"title": "B", "payload": "b"}]},
        ]
    )
    out = capsys.readouterr().out
    assert "Bot: hello\n     world" in out and "[1] A" in out and "[2] B" in out
    assert [b["payload"] for b in buttons] == ["/a", "b"]


def test_custom_messages_are_not_shown(capsys):
    """The emergency answer's card marker (`custom`, a message of its own in Rasa's REST reply) is for the Telegram
    bridge: the terminal shows the text only."""
    render([{"text": "🚨 Call 911 now."}, {"custom": {"card": "overdose_response"}}])
    out = capsys.readouterr().out
    assert "Call 911 now" in out and "overdose_response" not in out and "card" not in out


def test_channels_import_neither_rasa_nor_spacy(root):
    code = "import bot, bot.terminal, bot.cards, bot.telegram.bridge, bot.telegram.__main__, gsdoa_content"
    assert heavy_modules_loaded_by(code, root, ("rasa", "spacy", "tensorflow")) == []
