#!/usr/bin/env bash
# Rebuild the compiled front-end files in app/static from assets/.
# Needs node + npm (only the npm registry). Run from anywhere:
#   bash assets/build.sh
set -euo pipefail

ASSETS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$ASSETS_DIR/.." && pwd)"
STATIC_DIR="$ROOT_DIR/app/static"
GOVUK_DIST="$ASSETS_DIR/node_modules/govuk-frontend/dist/govuk"
MOJ_DIST="$ASSETS_DIR/node_modules/@ministryofjustice/frontend/moj"

cd "$ASSETS_DIR"

# Exact versions from package-lock.json. No install scripts are needed
# (sass is pure JS; @parcel/watcher is only for `sass --watch`).
npm ci --ignore-scripts --no-audit --no-fund

# Remove stale outputs (only the files this script owns).
mkdir -p "$STATIC_DIR"
rm -f "$STATIC_DIR/application.css" "$STATIC_DIR/application.css.map" \
      "$STATIC_DIR/govuk-frontend.min.js" "$STATIC_DIR/moj-frontend.min.js"
rm -rf "$STATIC_DIR/images"

# CSS. Load paths: node_modules for our own @use lines, and "." because
# MOJ Frontend's Sass loads "node_modules/govuk-frontend/dist/govuk/base".
# A "govuk-text-colour mixin is deprecated" warning comes from MOJ Frontend's
# own Sass and is harmless (MOJ locks $govuk-suppressed-warnings).
./node_modules/.bin/sass \
  --load-path=node_modules --load-path=. \
  --style=compressed --no-source-map \
  application.scss "$STATIC_DIR/application.css"

# JS: both are self-contained ES modules exporting initAll().
cp "$GOVUK_DIST/govuk-frontend.min.js" "$STATIC_DIR/govuk-frontend.min.js"
cp "$MOJ_DIST/moj-frontend.min.js" "$STATIC_DIR/moj-frontend.min.js"

# Images: copy only those the CSS references under /assets/images/.
refs="$(grep -o 'url([^)]*)' "$STATIC_DIR/application.css" \
  | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//' | sort -u)"
for ref in $refs; do
  case "$ref" in
    /assets/images/*) name="${ref#/assets/images/}" ;;
    data:*) continue ;;
    *) echo "build.sh: unexpected url() in CSS: $ref" >&2; exit 1 ;;
  esac
  case "$name" in
    */*|*..*) echo "build.sh: unexpected image path: $name" >&2; exit 1 ;;
    *crest*|*crown*|*logotype*|*logo*)
      echo "build.sh: CSS references a reserved crown/logo image: $name" >&2; exit 1 ;;
  esac
  src=""
  for dir in "$MOJ_DIST/assets/images" "$GOVUK_DIST/assets/images"; do
    if [ -f "$dir/$name" ]; then src="$dir/$name"; break; fi
  done
  if [ -z "$src" ]; then
    echo "build.sh: image referenced by CSS not found: $name" >&2; exit 1
  fi
  mkdir -p "$STATIC_DIR/images"
  cp "$src" "$STATIC_DIR/images/$name"
done

# Checks: nothing reserved for GOV.UK, no web fonts.
if grep -q -i 'GDS Transport\|@font-face' "$STATIC_DIR/application.css"; then
  echo "build.sh: application.css contains GDS Transport or @font-face" >&2; exit 1
fi

echo "Built:"
(cd "$ROOT_DIR" && find app/static/application.css app/static/*.min.js \
  app/static/images -type f 2>/dev/null | sort | xargs ls -l)
