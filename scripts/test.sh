#!/usr/bin/env bash
# The one test command: installs what the tests need, then lints and runs every test.
# Works on a fresh Debian machine (root or sudo for the browser); CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here), which
# draws the pages in DejaVu Sans (fonts-dejavu-core); the offer PDFs are read back with poppler's
# pdftotext and pdffonts (poppler-utils) as a reader would see them; the plan workbook's formulas
# are recalculated by LibreOffice Calc, headless (libreoffice-calc-nogui), as finance would. The
# store tests run on a real PostgreSQL server too: tests/conftest.py starts a throwaway cluster
# from Debian's postgresql binaries (or uses the server at PRICING_TEST_PG_URL when set).
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
if [ ! -x "$CHROMIUM_PATH" ]; then missing+=(chromium); fi
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then missing+=(fonts-dejavu-core); fi
if ! command -v pdftotext >/dev/null 2>&1; then missing+=(poppler-utils); fi
if ! command -v soffice >/dev/null 2>&1; then missing+=(libreoffice-calc-nogui); fi
if [ -z "${PRICING_TEST_PG_URL:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
export CHROMIUM_PATH

python -m ruff check .
python -m ruff format --check .

set +e
# Every test: the browser and process-starting ones too (plain `pytest` leaves them out).
python -m pytest -m "" --durations=40 "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
