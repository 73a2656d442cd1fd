"""A stand-in for the Sanic request the REST channel's handlers read (tests/channel: no server)."""

from types import SimpleNamespace


class FakeRequest:
    """`body` as the parsed JSON (or a JSON error when `invalid`), `headers`, and the Rasa agent on the app."""

    def __init__(self, body=None, headers=None, agent=None, invalid=False):
        self._body, self._invalid = body, invalid
        self.headers = headers or {}
        self.app = SimpleNamespace(ctx=SimpleNamespace(agent=agent))

    @property
    def json(self):
        if self._invalid:
            raise ValueError("invalid JSON")
        return self._body
