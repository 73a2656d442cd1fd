"""Terminal chat with the bot over its REST channel (what `make shell` opens).

    python -m bot.terminal --url http://127.0.0.1:5005/webhooks/rest/webhook

Buttons are numbered: type the number to press one. Standard library only (bot/rest_client.py)."""

from __future__ import annotations

import argparse
import sys
import uuid

from bot.rest_client import BotUnreachable, RestError, send

DEFAULT_URL = "http://127.0.0.1:5005/webhooks/rest/webhook"


def render(messages: list[dict]) -> list[dict]:
    """Print the bot's messages; return the buttons of the last one (numbered on screen)."""
    buttons: list[dict] = []
    for message in messages:
        if message.get("text"):
            print("\nBot: " + message["text"].replace("\n", "\n     "))
        if message.get("image"):
            print(f"     [image] {message['image']}")
        buttons = message.get("buttons") or buttons
    for number, button in enumerate(buttons, 1):
        print(f"     [{number}] {button.get('title')}")
    return buttons


def chat(url: str = DEFAULT_URL) -> int:
    sender = "terminal-" + uuid.uuid4().hex[:12]
    print("Chat with the GSDOA bot. Type a message; a number presses a button; Ctrl-D or 'quit' to leave.")
    print("🚨 If someone is overdosing now, call 911.\n")
    buttons: list[dict] = []
    while True:
        try:
            line = input("You: ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if line.lower() in {"quit", "exit"}:
            return 0
        if line.isdigit() and 1 <= int(line) <= len(buttons):
            line = buttons[int(line) - 1].get("payload") or ""
        try:
            buttons = render(send(url, sender, line))
        except BotUnreachable as error:
            print(f"(The bot is not reachable: {error}. If someone is overdosing, call 911.)")
        except RestError as error:
            print(f"(The bot could not answer: {error}. If someone is overdosing, call 911.)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    return chat(parser.parse_args().url)


if __name__ == "__main__":
    sys.exit(main())
