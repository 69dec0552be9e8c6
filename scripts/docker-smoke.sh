#!/usr/bin/env bash
# Performs the Dockerfile's build and run steps in a clean folder, because no Docker
# engine runs on the build machines. It installs from the lockfile, compiles, prunes the
# dev dependencies, starts the compiled CLI, then probes the health endpoint and one API call.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
port=${SMOKE_PORT:-4790}
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "docker-smoke: build stage in $work"
cp "$root/package.json" "$root/package-lock.json" "$root/tsconfig.json" "$work/"
cp -r "$root/src" "$root/spec" "$root/assets" "$work/"
cd "$work"
npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
npm prune --omit=dev --no-audit --no-fund --loglevel=error
rm -rf src tsconfig.json package-lock.json
mkdir data

if [[ -d node_modules/typescript || -d node_modules/vitest ]]; then
  echo "docker-smoke: FAILED: dev dependencies are still installed after npm prune" >&2
  exit 1
fi

echo "docker-smoke: run stage on port $port"
# The image's environment, except that the address stays on the loopback interface here,
# under tini as in the image when this machine has it.
init_process=$(command -v tini || true)
[[ -z "$init_process" ]] || init_process="$init_process --"
NODE_ENV=production HOST=127.0.0.1 PORT=$port DATA_PATH="$work/data/state.json" LOG_FORMAT=json \
  ${init_process:-} node dist/cli.js --log-level warn > server.log 2>&1 &
server_pid=$!

for _ in $(seq 1 50); do
  if curl -fsS "http://127.0.0.1:$port/health" > /dev/null 2>&1; then break; fi
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/health"
echo
key=$(sed -n 's/^  API key *\([^ ]*\)$/\1/p' server.log | head -n 1)
if [[ -z "$key" ]]; then
  echo "docker-smoke: FAILED: no API key in the banner:" >&2
  cat server.log >&2
  exit 1
fi
curl -fsS "http://127.0.0.1:$port/v1/services?take=1" -H "Authorization: Bearer $key" > services.json
node -e "const body = require('./services.json'); if (!(body.count > 0)) { console.error('docker-smoke: FAILED: empty services list'); process.exit(1); }"

# The health check of the image, run the way Docker runs it.
PORT=$port node -e "fetch('http://127.0.0.1:$port/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"

kill -TERM "$server_pid"
wait "$server_pid"
server_pid=""
if [[ ! -s data/state.json ]]; then
  echo "docker-smoke: FAILED: no data file was written to the volume" >&2
  exit 1
fi
echo "docker-smoke: passed"
