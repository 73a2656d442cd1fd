#!/usr/bin/env bash
# Print the path of a working Python 3.10 interpreter, or explain how to get one.
# Rasa Open Source 3.6 refuses Python 3.11+, so everything that imports rasa runs on 3.10.
set -u
try() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1 && { echo "$1"; exit 0; }; }
[ -n "${PYTHON310:-}" ] && try "$PYTHON310"
for c in python3.10 "$(command -v python3 2>/dev/null)"; do
  [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && try "$(command -v "$c")"
done
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -t. -k3 -n -r); do
    try "$(pyenv root)/versions/$v/bin/python"
  done
fi
for p in "$HOME"/.pyenv/versions/3.10*/bin/python /usr/bin/python3.10 /usr/local/bin/python3.10; do
  [ -x "$p" ] && try "$p"
done
cat >&2 <<'MSG'
ERROR: Python 3.10 was not found. Rasa Open Source 3.6 supports Python 3.8-3.10 only.
Get it in one of these ways, then run the command again:
  - Debian/Ubuntu:  sudo apt install python3.10 python3.10-venv   (or the deadsnakes PPA on Ubuntu)
  - pyenv:          pyenv install 3.10.13
  - or point to one: make run PYTHON310=/path/to/python3.10
MSG
exit 1
