#!/usr/bin/env bash
# CI: `npm pack` makes an installable package. Packs (prepack builds dist/), checks what the
# tarball holds, installs it into an empty project in a temporary folder, then runs the installed
# CLI (`checkout-guard help`, `token create|list|revoke`), imports the typed client (JavaScript and
# TypeScript), and starts the installed service to run the example POS checkout against it.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
WORK=$(mktemp -d "${TMPDIR:-/tmp}/guard-pack-XXXXXX")
SERVICE=
cleanup() {
  if [ -n "$SERVICE" ]; then kill "$SERVICE" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

npm pack --silent --pack-destination "$WORK" >/dev/null
TARBALL=$(ls "$WORK"/checkout-guard-*.tgz)
CONTENTS=$(tar -tzf "$TARBALL")
for must in package/dist/main.js package/dist/client/index.js package/dist/client/index.d.ts package/dist/web/page/index.html \
            package/drizzle/meta/_journal.json package/devices/cards/normal.json package/config/rules.json package/CHANGELOG.md \
            package/docs/operations.md package/docs/checkout-guard.service; do
  grep -qx "$must" <<<"$CONTENTS" || { echo "package lacks $must" >&2; exit 1; }
done
if grep -E '^package/(src|test|bench|node_modules)/' <<<"$CONTENTS" >/dev/null; then echo "package holds sources or tests" >&2; exit 1; fi
echo "packed $(basename "$TARBALL"): $(wc -l <<<"$CONTENTS") files"

mkdir "$WORK/pos" && cd "$WORK/pos"
npm init -y >/dev/null
npm install --no-audit --no-fund --omit=dev --prefer-offline "$TARBALL" >/dev/null
BIN="$WORK/pos/node_modules/.bin/checkout-guard"

"$BIN" help | grep -q 'token create NAME ROLE'
DATA="$WORK/data"
TOKEN_ID=$("$BIN" token create till-1 cashier --data-dir "$DATA" | head -n 1 | cut -f 1)
"$BIN" token list --data-dir "$DATA" | grep -q "^$TOKEN_ID	cashier	till-1"
"$BIN" token revoke "$TOKEN_ID" --data-dir "$DATA" >/dev/null
"$BIN" token list --data-dir "$DATA" | grep "^$TOKEN_ID" | grep -q revoked
echo "installed CLI: help and token create/list/revoke ok"

node --input-type=module -e "
  import { CheckoutGuardClient, CheckoutGuardError } from 'checkout-guard/client';
  if (typeof CheckoutGuardClient !== 'function' || typeof CheckoutGuardError !== 'function') process.exit(1);
"
cat > consumer.ts <<'TS'
import { CheckoutGuardClient, type Precheck } from 'checkout-guard/client';
const guard = new CheckoutGuardClient({ baseUrl: 'http://127.0.0.1:8731', token: 'cg_cashier_x' });
export async function total(cardSession: string): Promise<string> {
  const p: Precheck = await guard.precheck({ cardSession, cashierId: 'c1', items: [{ lineId: '1', barcode: '6901234567892', quantity: 1, unitPrice: '12.50' }] });
  return p.totals.insuranceAmount;
}
TS
"$REPO/node_modules/.bin/tsc" --noEmit --strict --skipLibCheck --module nodenext --moduleResolution nodenext --target es2022 --types node --typeRoots "$REPO/node_modules/@types" consumer.ts
echo "client import from checkout-guard/client (JavaScript and TypeScript): ok"

PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
SERVE_DATA="$WORK/serve-data"
"$BIN" serve --port "$PORT" --data-dir "$SERVE_DATA" >"$WORK/service.log" 2>&1 &
SERVICE=$!
BASE_URL="http://127.0.0.1:$PORT"
node -e "
  const deadline = Date.now() + 120000;
  (async () => {
    for (;;) {
      try { if ((await fetch('$BASE_URL/ready')).ok) return; } catch {}
      if (Date.now() > deadline) { console.error('installed service not ready'); process.exit(1); }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
" || { cat "$WORK/service.log"; exit 1; }
cd "$REPO"
BASE_URL="$BASE_URL" DATA_DIR="$SERVE_DATA" npx tsx examples/pos-checkout.ts >/dev/null
node -e "fetch('$BASE_URL/audit/').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))" || { echo "auditor page not served by the installed package" >&2; exit 1; }
kill -TERM "$SERVICE"
wait "$SERVICE" || { echo "installed service did not stop cleanly" >&2; cat "$WORK/service.log" >&2; exit 1; }
SERVICE=
echo "installed service: example checkout, auditor page and graceful stop ok"
