"""The cluster's nginx configuration (deploy/nginx.conf.template via ops.cluster.render_nginx), run by the real
nginx on loopback in front of a recording stand-in for Rasa: the Telegram bridge's private server has no
per-client limit and doesn't mark requests public; the public REST paths are rate-limited and always marked
`X-GSDOA-Public: 1` (the REST channel refuses `tg-` sender ids there). Then the bridge itself: one chat flooding
through the private route doesn't cost any other chat its answer — through the public route it would. Last, the
real bot behind it: the REST channel accepts the bridge's `tg-` ids on the private server only.

Marked `cluster`: needs Debian's nginx (`make cluster-tools`), like tests/cluster/."""

from __future__ import annotations

import asyncio
import hashlib
import hmac

import httpx
import pytest
from aiohttp import web

from bot.telegram.bridge import TelegramBridge
from bot.telegram.settings import Settings
from ops.services import free_port
from tests.support.bridge import TOKEN, Harness, running_nginx

pytestmark = pytest.mark.cluster


class RecordingRasa:
    def __init__(self) -> None:
        self.headers: list[dict[str, str]] = []
        self.runner = None
        self.port = 0

    async def start(self) -> RecordingRasa:
        app = web.Application()

        async def message(request: web.Request) -> web.Response:
            self.headers.append(dict(request.headers))
            body = await request.json()
            return web.json_response([{"text": f"echo {body.get('message')}"}])

        async def forget(request: web.Request) -> web.Response:
            self.headers.append(dict(request.headers))
            return web.json_response({"erased": True})

        app.router.add_post("/webhooks/rest/webhook", message)
        app.router.add_post("/webhooks/rest/forget", forget)
        app.router.add_get("/webhooks/rest/", lambda request: web.json_response({"status": "ok"}))
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self


@pytest.fixture
async def nginx():
    """nginx with the cluster's configuration: public limit 1 r/s, burst 1; a dead server first in the upstream."""
    rasa = await RecordingRasa().start()
    try:
        async with running_nginx([free_port(), rasa.port], rate=1, burst=1) as urls:
            yield {**urls, "rasa": rasa}
    finally:
        await rasa.runner.cleanup()


async def burst(url: str, count: int, headers: dict[str, str] | None = None) -> list[int]:
    async with httpx.AsyncClient(timeout=10) as client:
        replies = await asyncio.gather(
            *(
                client.post(
                    f"{url}/webhooks/rest/webhook", headers=headers or {}, json={"sender": f"s{i}", "message": "hi"}
                )
                for i in range(count)
            )
        )
    return [reply.status_code for reply in replies]


async def test_the_private_server_has_no_per_client_limit_and_is_not_marked_public(nginx):
    public = await burst(nginx["public"], 20, headers={"X-GSDOA-Public": "0"})
    assert 429 in public and 200 in public  # the public limit is on (so the comparison below means something)
    marked = [h for h in nginx["rasa"].headers]
    assert marked and all(h.get("X-GSDOA-Public") == "1" for h in marked)  # set by nginx, whatever the client says
    nginx["rasa"].headers.clear()
    private = await burst(nginx["private"], 40, headers={"X-GSDOA-Bridge": "shared-secret"})
    assert private == [200] * 40  # through the dead first server too (failover)
    assert len(nginx["rasa"].headers) == 40
    assert all("X-GSDOA-Public" not in h for h in nginx["rasa"].headers)
    assert all(h.get("X-GSDOA-Bridge") == "shared-secret" for h in nginx["rasa"].headers)


async def test_public_forget_is_marked_too_and_the_private_server_serves_only_the_two_rest_paths(nginx):
    async with httpx.AsyncClient(timeout=10) as client:
        reply = await client.post(f"{nginx['public']}/webhooks/rest/forget", json={"sender": "x"})
        assert reply.status_code == 200 and nginx["rasa"].headers[-1].get("X-GSDOA-Public") == "1"
        reply = await client.post(f"{nginx['private']}/webhooks/rest/forget", json={"sender": "tg-x"})
        assert reply.status_code == 200 and "X-GSDOA-Public" not in nginx["rasa"].headers[-1]
        for path in (
            "/webhooks/rest/",
            "/widget/widget.js",
            "/health",
            "/conversations/x/tracker",
            "/model",
            "/telegram/webhook",
        ):
            assert (await client.get(f"{nginx['private']}{path}")).status_code == 404, path
    private_block = nginx["config"].split("listen 127.0.0.1:" + nginx["private"].rsplit(":", 1)[1], 1)[1]
    assert "limit_req" not in private_block and "X-GSDOA-Public" not in private_block


@pytest.mark.parametrize("route, others_answered", [("private", True), ("public", False)])
async def test_one_flooding_chat_does_not_cost_other_chats_their_answers(nginx, telegram, route, others_answered):
    """The bridge with its shipped per-chat limit; one chat sends 12 messages at once, then 8 other chats write."""
    defaults = Settings()
    bridge = TelegramBridge(
        Settings(
            token=TOKEN,
            rasa_url=nginx[route],
            rasa_timeout=5,
            sender_key=b"k" * 32,
            api_base_url=telegram.url,
            chat_rate=defaults.chat_rate,
            chat_burst=defaults.chat_burst,
        )
    )
    harness = Harness(telegram, None, bridge)
    async with harness.app:
        await asyncio.gather(*(harness.feed(harness.updates.message(1, f"flood {turn}")) for turn in range(12)))
        await asyncio.gather(
            *(harness.feed(harness.updates.message(chat, "can police arrest me")) for chat in range(100, 108))
        )
    await bridge.rasa.close()
    answered = [chat for chat in range(100, 108) if telegram.sent_texts(chat) == ["echo can police arrest me"]]
    assert (len(answered) == 8) is others_answered, answered
    flood_texts = telegram.sent_texts(1)
    assert sum("faster than I can answer" in text for text in flood_texts) == 1  # the bridge's own limit


def test_the_cluster_points_the_bridge_at_the_private_server(monkeypatch, tmp_path):
    from ops.cluster import Cluster

    cluster = Cluster(servers=2)
    spawned = {}
    monkeypatch.setattr(cluster, "_spawn", lambda name, command, env_extra=None: spawned.update({name: env_extra}))
    monkeypatch.setattr(cluster, "dir", tmp_path)
    cluster.start_telegram()
    cluster.start_nginx()
    cluster.start_rasa(0)
    try:
        assert spawned["telegram"]["RASA_URL"] == cluster.private_url != cluster.url
        # the bridge and Rasa share a secret no other process gets (the channel checks X-GSDOA-Bridge with it)
        assert spawned["telegram"]["BRIDGE_SHARED_SECRET"] == spawned["rasa0"]["BRIDGE_SHARED_SECRET"]
        assert len(spawned["rasa0"]["BRIDGE_SHARED_SECRET"]) >= 32
        config = (tmp_path / "nginx.conf").read_text(encoding="utf-8")
        assert f"listen 127.0.0.1:{cluster.private_port};" in config and f"listen 127.0.0.1:{cluster.port};" in config
    finally:
        cluster.stop_all()


@pytest.fixture(scope="module")
def small_cluster():
    from ops.cluster import Cluster
    from tests.support.repo import ROOT

    model = ROOT / "models" / "gsdoa.tar.gz"
    if not model.exists():
        pytest.fail("no trained model: run `make train`")
    with Cluster(servers=1, model=model, rate=100, burst=100) as running:
        yield running


async def test_in_the_cluster_telegram_goes_through_the_private_route_and_tg_ids_are_refused_elsewhere(
    small_cluster, telegram
):
    """The production shape: fake Telegram -> nginx's public /telegram/webhook -> the bridge (started by
    Cluster.start_telegram, its own process) -> nginx's private server -> Rasa (REST channel) -> Redis. The bridge's
    conversation works; the same `tg-` id is refused on the public server (marked public) and on the private one
    without the bridge's secret; the bridge's log holds none of the text, ids or token."""
    from ops.fake_telegram import Updates

    cluster, updates = small_cluster, Updates()
    secret, key, marker, chat = "cluster-webhook-secret", "cluster-sender-key-0123456789", "okapi-marker-2718", 424210
    cluster.start_telegram(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_MODE": "webhook",
            "TELEGRAM_SENDER_KEY": key,
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.org",
            "TELEGRAM_WEBHOOK_SECRET": secret,
            "TELEGRAM_API_BASE_URL": telegram.url,
        }
    )
    try:
        await telegram.wait_for(lambda calls: any(c.method == "setWebhook" for c in calls), timeout=60)
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}
        async with httpx.AsyncClient(timeout=60) as client:

            async def say(update, count):
                before = len(telegram.sent(chat))
                for _ in range(100):  # nginx -> the bridge's webhook server, which may still be starting
                    reply = await client.post(f"{cluster.url}/telegram/webhook", json=update, headers=headers)
                    if reply.status_code != 502:
                        break
                    await asyncio.sleep(0.2)
                assert reply.status_code == 200
                await telegram.wait_sent(chat, before + count, timeout=60)
                return telegram.sent_texts(chat)[before:]

            answer = await say(updates.message(chat, f"where can i get naloxone {marker}"), 1)
            assert "naloxone" in answer[0].lower() and "try again" not in answer[0]
            assert "erased" in (await say(updates.message(chat, "/forget"), 1))[0]

            sender = "tg-" + "0" * 32
            body = {"sender": sender, "message": "hello"}
            public = await client.post(f"{cluster.url}/webhooks/rest/webhook", json=body)
            public_forget = await client.post(f"{cluster.url}/webhooks/rest/forget", json={"sender": sender})
            private_no_secret = await client.post(f"{cluster.private_url}/webhooks/rest/webhook", json=body)
            private = await client.post(
                f"{cluster.private_url}/webhooks/rest/webhook",
                json=body,
                headers={"X-GSDOA-Bridge": cluster.bridge_secret},
            )
        assert public.status_code == 403 and public_forget.status_code == 403 and private_no_secret.status_code == 403
        assert private.status_code == 200 and isinstance(private.json(), list)
    finally:
        cluster.stop("telegram")
    log = cluster.log_path("telegram").read_text(encoding="utf-8", errors="replace")
    assert "Telegram bridge ready" in log
    sender = "tg-" + hmac.new(key.encode(), str(chat).encode(), hashlib.sha256).hexdigest()[:32]  # as the bridge
    for leak in (marker, TOKEN, secret, key, cluster.bridge_secret, str(chat), sender, sender[3:]):
        assert leak not in log, leak
