#!/usr/bin/env bash
# Debian packages the project needs, installed before the Python ones (Makefile):
# - chromium: browser tests drive it through Playwright (never `playwright install`, offline) and
#   kaleido renders report charts with it; poppler-utils: tests render PDF pages (pdftoppm);
# - fonts-noto-core, fonts-noto-cjk, fonts-dejavu-core: the PDF's fonts for the six UN languages
#   (SIL Open Font License; Noto Sans Arabic, Noto Sans CJK, DejaVu Sans) and the charts' labels;
# - libicu-dev, pkg-config, g++: PyICU (language-aware sorting of names) builds against ICU.
set -euo pipefail
PACKAGES="chromium poppler-utils fonts-dejavu-core fonts-noto-core fonts-noto-cjk libicu-dev pkg-config g++"
if [ -x /usr/bin/chromium ] && command -v pdftoppm >/dev/null 2>&1 \
  && [ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] \
  && [ -f /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf ] \
  && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
  && pkg-config --exists icu-i18n && command -v g++ >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "Debian packages are missing: run 'sudo apt-get install -y $PACKAGES'" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $PACKAGES
