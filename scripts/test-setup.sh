#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine: the Python test requirements and Debian's
# Chromium for the browser tests (Playwright drives it through executable_path; it downloads no browser).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
# A font with Chinese glyphs for the board report in Chinese (data/board_report.py embeds it; docs/translations.md).
if [ ! -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] && [ ! -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; then
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-wqy-zenhei >/dev/null
fi
# The compiled catalogs are shipped; rebuild them if a .po changed without its .mo.
python3 scripts/locales_to_po.py --check >/dev/null || python3 -m babel.messages.frontend compile -d locales -D messages
