#!/usr/bin/env bash
# Installs the OpenAPI linter (@redocly/cli, pinned) into a repo-local,
# git-ignored node_modules under .tools/openapi-lint, once. Prints the
# path of the redocly executable. Needs npm (Debian package npm).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.tools/openapi-lint"
bin="$dir/node_modules/.bin/redocly"
if [ ! -x "$bin" ]; then
	command -v npm >/dev/null 2>&1 || { echo "install-openapi-lint: npm not found (apt-get install npm)" >&2; exit 1; }
	mkdir -p "$dir"
	[ -f "$dir/package.json" ] || echo '{"name":"wtalign-openapi-lint","private":true}' >"$dir/package.json"
	npm install --prefix "$dir" --no-audit --no-fund --loglevel=error @redocly/cli@2.77.0 >&2
fi
echo "$bin"
