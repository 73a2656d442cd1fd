"""Run the Telegram bridge: `python -m bot.telegram` (settings from the environment, see the README).

    TELEGRAM_BOT_TOKEN=…  python -m bot.telegram                      # polling: a demo laptop, no public URL
    TELEGRAM_MODE=webhook TELEGRAM_WEBHOOK_URL=https://… TELEGRAM_WEBHOOK_SECRET=… TELEGRAM_SENDER_KEY=… \\
        python -m bot.telegram                                        # production, behind an HTTPS proxy
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from telegram.error import InvalidToken

from bot.telegram.bridge import ALLOWED_UPDATES, TelegramBridge
from bot.telegram.logs import configure_logging
from bot.telegram.settings import ConfigError, Settings

logger = logging.getLogger("bot.telegram")


async def serve(bridge: TelegramBridge, stop: asyncio.Event) -> None:
    """Start PTB in the configured mode, run until `stop` is set, then shut down cleanly."""
    settings = bridge.settings
    app = bridge.build_application()
    updater = app.updater
    if updater is None:  # build_application() keeps PTB's updater: nothing would receive updates without it
        raise RuntimeError("the Telegram application was built without an updater")
    async with app:
        await bridge.register_commands(app)
        if settings.mode == "webhook":
            if not settings.webhook_url:  # Settings.from_env refuses webhook mode without it
                raise RuntimeError("webhook mode without TELEGRAM_WEBHOOK_URL")
            await updater.start_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=settings.webhook_path,
                webhook_url=f"{settings.webhook_url.rstrip('/')}/{settings.webhook_path}",
                secret_token=settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            await updater.start_polling(timeout=20, allowed_updates=ALLOWED_UPDATES)
        await app.start()
        cards = asyncio.create_task(bridge.prepare_cards())
        logger.info("Telegram bridge ready (%s mode, Rasa at %s).", settings.mode, settings.rasa_url)
        try:
            await stop.wait()
        finally:
            cards.cancel()
            await updater.stop()
            await app.stop()
            await bridge.rasa.close()


TOKEN_REJECTED = (
    "Telegram bridge not started: Telegram rejected TELEGRAM_BOT_TOKEN (revoked, mistyped or from "
    "another bot). Copy the token again from @BotFather (/mybots -> API Token) and restart."
)


def main() -> int:
    configure_logging()
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"Telegram bridge not started: {error}", file=sys.stderr)
        return 2
    configure_logging(secrets=settings.secret_values, level=settings.logging_level)
    if settings.sender_key_is_random:
        logger.info("TELEGRAM_SENDER_KEY not set: using a random key, so conversations restart with the bridge.")

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve(TelegramBridge(settings), stop)

    try:
        asyncio.run(run())
    except InvalidToken:
        # PTB's message and its chained exception hold the token: print our own sentence, never theirs.
        print(TOKEN_REJECTED, file=sys.stderr)
        return 3
    except Exception:  # noqa: BLE001 — logged without exception messages (they can hold URLs with the token)
        logger.critical("The Telegram bridge stopped on an error.", exc_info=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
