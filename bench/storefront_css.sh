#!/bin/sh
# Rebuild static/omnishop/vendor/storefront.css (see bench/storefront_css.cjs) after a change to
# static/omnishop/omnishop.css or to the classes the storefront's templates use.
set -eu
cd "$(dirname "$0")/.."
npm_dir="${PURGECSS_DIR:-${TMPDIR:-/tmp}/omnishop-purgecss}"
[ -d "$npm_dir/node_modules/purgecss" ] || npm install --silent --no-save --prefix "$npm_dir" purgecss@6.0.0
oscar="$(.venv/bin/python -c 'import os, oscar; print(os.path.dirname(oscar.__file__))')"
NODE_PATH="$npm_dir/node_modules" node bench/storefront_css.cjs "$oscar"
