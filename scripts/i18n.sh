#!/usr/bin/env bash
# Translations of the portal (R-UI-1).
#   scripts/i18n.sh            compile every .po under portal/translations into its .mo (quietly)
#   scripts/i18n.sh update     extract the source strings and merge them into the catalogues (then translate)
# The app also compiles a missing or stale .mo when it starts (portal/i18n.py), so this is belt and braces.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
[ -x "$PYBABEL" ] || PYBABEL=pybabel
if [ "${1:-}" = "update" ]; then
  pot="$(mktemp --suffix=.pot)"
  "$PYBABEL" -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
    --project="bureau-performance" -o "$pot" .
  "$PYBABEL" -q update -i "$pot" -d portal/translations --no-fuzzy-matching --ignore-obsolete
  rm -f "$pot"
fi
"$PYBABEL" -q compile -d portal/translations
