#!/usr/bin/env bash
# Re-extracts the desktop app's translatable strings (tr(), QApplication::translate) from models/,
# widgets/ and app/desktop/ into translations/switchboard_zh_CN.ts and switchboard_zh_TW.ts.
# Existing translations are kept; new strings arrive as type="unfinished", strings gone from the
# sources are dropped (-no-obsolete). Safe to re-run. Afterwards translate the unfinished entries
# and run scripts/check-translations.py.
set -euo pipefail
cd "$(dirname "$0")/.."

LUPDATE=${LUPDATE:-}
if [[ -z "$LUPDATE" ]]; then
    for candidate in /usr/lib/qt6/bin/lupdate "$(command -v lupdate6 || true)" "$(command -v lupdate || true)"; do
        if [[ -n "$candidate" && -x "$candidate" ]]; then LUPDATE=$candidate; break; fi
    done
fi
[[ -n "$LUPDATE" ]] || { echo "update-translations: lupdate not found (install qt6-l10n-tools or set LUPDATE)" >&2; exit 1; }

mkdir -p translations
for lang in zh_CN zh_TW; do
    "$LUPDATE" -silent -no-obsolete -locations none -source-language en -target-language "$lang" \
        -extensions cpp,h models widgets app/desktop -ts "translations/switchboard_${lang}.ts"
done

# Report what still needs a translator.
for lang in zh_CN zh_TW; do
    n=$(grep -c 'type="unfinished"' "translations/switchboard_${lang}.ts" || true)
    echo "switchboard_${lang}.ts: ${n} unfinished"
done
