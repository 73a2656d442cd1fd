"""Plain HTTP GETs for the web-server and nginx tests (standard library, no browser)."""

import urllib.error
import urllib.request


def get(url: str, timeout: float = 5):
    """(status, headers, body) of a GET, error statuses included (no exception for 4xx/5xx)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
