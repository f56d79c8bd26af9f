#!/usr/bin/env bash
# ctest driver for the third-party client test. Exit 77 = skipped (ctest SKIP_RETURN_CODE).
set -euo pipefail
sim="$1"; work="$2"; here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "SKIP: node/npm are not installed, so the third-party ComfyUI client test cannot run."
    exit 77
fi
mkdir -p "$work"
cp "$here/package.json" "$here/thirdparty_client.mjs" "$work/"
cd "$work"
if [ ! -d node_modules/@stable-canvas/comfyui-client ] || [ ! -d node_modules/ws ]; then
    npm install --no-audit --no-fund --no-package-lock --loglevel=error >npm-install.log 2>&1 || {
        cat npm-install.log
        echo "error: npm could not install the pinned client packages (see above)." >&2
        exit 1
    }
fi
exec node thirdparty_client.mjs "$sim" "$work"
