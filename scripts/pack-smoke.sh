#!/usr/bin/env bash
# Checks the package that `npm pack` produces, from a clean folder: `npx flightcontrol-mock`
# starts the server, and `import { startMock } from 'flightcontrol-mock'` runs and
# type-checks against the shipped declarations.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
port=${SMOKE_PORT:-4791}
server_pid=""
cleanup() {
  # The server runs under npx in a process group of its own, so the whole group is stopped.
  if [[ -n "$server_pid" ]]; then kill -- "-$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cd "$root"
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
echo "pack-smoke: packed $tarball"

cd "$work"
npm init -y > /dev/null
npm pkg set type=module
typescript_version=$(node -p "require('$root/package.json').devDependencies.typescript")
npm install --no-audit --no-fund --loglevel=error "./$tarball" "typescript@$typescript_version" "@types/node@20"

echo "pack-smoke: npx flightcontrol-mock"
npx flightcontrol-mock --version
# A server left on the port would respond to the checks below in place of the packed one.
if curl -fsS "http://127.0.0.1:$port/health" > /dev/null 2>&1; then
  echo "pack-smoke: port $port is already in use; stop what listens there or set SMOKE_PORT" >&2
  exit 1
fi
# npx starts the server as its child and does not pass SIGTERM on, so the server gets a
# process group of its own (setsid), and the group is signalled.
setsid npx flightcontrol-mock --port "$port" --log-level warn > server.log 2>&1 &
server_pid=$!
for _ in $(seq 1 50); do
  if curl -fsS "http://127.0.0.1:$port/health" > /dev/null 2>&1; then break; fi
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/health"
echo
kill -TERM -- "-$server_pid"
wait "$server_pid" || true
server_pid=""
for _ in $(seq 1 50); do
  if ! curl -fsS "http://127.0.0.1:$port/health" > /dev/null 2>&1; then break; fi
  sleep 0.2
done
if curl -fsS "http://127.0.0.1:$port/health" > /dev/null 2>&1; then
  echo "pack-smoke: the server still responds on port $port after SIGTERM" >&2
  exit 1
fi

echo "pack-smoke: import { startMock } from 'flightcontrol-mock'"
cat > check.ts <<'TS'
import { startMock, type Mock } from 'flightcontrol-mock';

const mock: Mock = await startMock({ scenario: 'deploy-error' });
const hook = (await fetch(mock.deployHookUrl()).then((response) => response.json())) as { deploymentId: string };
mock.clock.advance('10m');
const deployment = (await fetch(`${mock.url}/v1/deployments/${hook.deploymentId}`, {
  headers: { Authorization: `Bearer ${mock.apiKey}` },
}).then((response) => response.json())) as { status: string };
await mock.close();
if (deployment.status !== 'DEPLOY_ERROR') throw new Error(`expected DEPLOY_ERROR, got ${deployment.status}`);
console.log(`pack-smoke: startMock ran a deployment to ${deployment.status}`);
TS
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true, "types": ["node"], "outDir": "out", "skipLibCheck": false } }
JSON
npx tsc -p tsconfig.json
node out/check.js
echo "pack-smoke: passed"
