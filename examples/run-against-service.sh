#!/usr/bin/env bash
# CI: the example POS checkout against `npm start`, as an integrator would run it: the service in
# the background on a temporary data folder and a free loopback port, wait for /health, run
# examples/pos-checkout.ts, stop the service with SIGTERM and require a clean exit.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/guard-example-XXXXXX")
PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
LOG="$DATA_DIR/service.log"
export DATA_DIR PORT HOST=127.0.0.1

npm start >"$LOG" 2>&1 &
SERVICE=$!
cleanup() {
  kill "$SERVICE" 2>/dev/null || true
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT

BASE_URL="http://127.0.0.1:$PORT"
node -e "
  const deadline = Date.now() + 120000;
  (async () => {
    for (;;) {
      try { if ((await fetch('$BASE_URL/health')).ok) return; } catch {}
      if (Date.now() > deadline) { console.error('service did not answer /health'); process.exit(1); }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
" || { cat "$LOG"; exit 1; }

BASE_URL="$BASE_URL" npx tsx examples/pos-checkout.ts
SCENARIO=suspended BASE_URL="$BASE_URL" npx tsx examples/pos-checkout.ts
ID_NUMBER=330302198508150192 BASE_URL="$BASE_URL" npx tsx examples/pos-checkout.ts
EC_SCENARIO=normal BASE_URL="$BASE_URL" npx tsx examples/pos-checkout.ts

# npm and tsx each wrap the service in a process of their own: signal the service itself (the
# innermost process running main.ts), as systemd does with a direct ExecStart; the wrappers exit
# with its code.
leaf=
pids=$SERVICE
while [ -n "$pids" ]; do
  next=
  for p in $pids; do
    case "$(ps -o args= -p "$p" || true)" in *"src/main.ts serve"*) leaf=$p ;; esac
    next="$next $(ps -o pid= --ppid "$p" | tr '\n' ' ' || true)"
  done
  pids=$(echo $next)
done
kill -TERM "$leaf"
if ! wait "$SERVICE"; then
  echo "the service did not stop cleanly on SIGTERM" >&2
  cat "$LOG" >&2
  exit 1
fi
grep -q 'shutting down: finishing requests in flight' "$LOG" || { echo "no graceful shutdown in the log" >&2; cat "$LOG" >&2; exit 1; }
echo "example checkout against npm start: ok"
