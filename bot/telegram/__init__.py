"""Telegram bridge: python-telegram-bot in its own small process, relaying to Rasa's REST channel.

Imports neither rasa nor spacy (starts fast, stays small). Run with `python -m bot.telegram`."""
