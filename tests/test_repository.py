"""No secrets in the repository: tokens come from the environment only (README "Telegram", PRIVACY.md)."""

import re
import subprocess

from tests.support.repo import ROOT

SECRET_PATTERNS = {
    "Telegram bot token": re.compile(r"\b\d{8,10}:[A-Za-z0-9_-]{35}\b"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"),
    "assigned secret": re.compile(
        r"(?i)\b(api[_-]?key|secret[_-]?key|password|passwd|auth[_-]?token|bot[_-]?token)"
        r"\s*[:=]\s*['\"][A-Za-z0-9+/_=-]{16,}['\"]"
    ),
}


def tracked_text_files():
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in names:
        path = ROOT / name
        if path.suffix in {".png", ".jpg", ".gz", ".pdf", ".ico", ".woff", ".woff2"} or not path.is_file():
            continue
        try:
            yield name, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


def test_no_token_like_strings_in_tracked_files():
    found = [
        (name, label, match.group(0)[:12] + "…")
        for name, text in tracked_text_files()
        for label, pattern in SECRET_PATTERNS.items()
        for match in pattern.finditer(text)
    ]
    assert not found, found


def test_the_scanner_recognises_what_it_looks_for():
    fake_token = "123456789:" + "A" * 35
    assert SECRET_PATTERNS["Telegram bot token"].search(f"TELEGRAM_BOT_TOKEN={fake_token}")
    assigned = "pass" + "word = " + '"' + "abcdefghijklmnopqrstuv" + '"'  # built here so this file stays clean
    assert SECRET_PATTERNS["assigned secret"].search(assigned)
