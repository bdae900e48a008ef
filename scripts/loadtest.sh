#!/usr/bin/env bash
# Load test for `deid serve`: single-transcript POST /v1/redact requests against
# loopback only, bounded in time, with wrk (Debian: apt-get install -y wrk).
# Prints throughput and p50/p99 latency, then stops the server and verifies
# the audit log's hash chain.
#
#   scripts/loadtest.sh                      # 20 s, 2 wrk threads, 16 connections
#   DURATION=30s CONNECTIONS=32 scripts/loadtest.sh
#
# Everything stays on 127.0.0.1; the server and wrk stop by themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-20s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
SERVER_THREADS="${SERVER_THREADS:-$(nproc)}"

if ! command -v wrk >/dev/null 2>&1; then
    echo "loadtest: wrk is not installed (Debian: apt-get install -y wrk)" >&2
    exit 1
fi

cargo build --release --quiet --bin deid
BIN="${CARGO_TARGET_DIR:-target}/release/deid"

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# A key for the run, and a configuration holding only its hash.
"$BIN" keys create --id loadtest --role redact > "$WORK/key.txt"
KEY="$(grep '^deid_' "$WORK/key.txt")"
{
    echo 'listen = "127.0.0.1:0"'
    echo "audit_log = \"$WORK/audit.jsonl\""
    echo '[limits]'
    echo 'max_concurrent_requests = 256'
    echo
    sed -n '/^\[\[keys\]\]/,$p' "$WORK/key.txt"
} > "$WORK/server.toml"

"$BIN" serve --config "$WORK/server.toml" --threads "$SERVER_THREADS" 2> "$WORK/server.log" &
SERVER_PID=$!
ADDR=""
for _ in $(seq 1 200); do
    ADDR="$(grep -o '"msg":"listening","address":"[^"]*"' "$WORK/server.log" 2>/dev/null | sed 's/.*"address":"//; s/"$//')" || true
    [ -n "$ADDR" ] && break
    sleep 0.1
done
if [ -z "$ADDR" ]; then
    echo "loadtest: the server did not start" >&2
    cat "$WORK/server.log" >&2
    exit 1
fi
case "$ADDR" in
    127.*) ;;
    *) echo "loadtest: refusing to load $ADDR: loopback only" >&2; exit 1 ;;
esac

# One synthetic transcript (~2.4 KB) with the identifiers a gateway sees.
python3 - "$WORK/body.json" <<'EOF'
import json, sys
turns = [
    "Doctor: Good morning, this is Dr. Alan Whitfield at Mercy General. Can you confirm your name and date of birth?",
    "Patient: Sure, it's Jane Roe, March 14, 1961.",
    "Doctor: Thank you, Ms. Roe. I see your MRN is 00482913 and we have 617-555-0199 as your phone. Is that still right?",
    "Patient: Yes, and my email is jane.roe@example.org if you need to send the results.",
    "Doctor: Great. You were admitted on 02/03/2024 for chest pain. How have you been since discharge?",
    "Patient: Better. My daughter Emily drove me from 42 Elm Street in Springfield, 01103, for the follow-up.",
    "Doctor: Good. Your SSN on file ends in 9876, full number 321-54-9876, for the insurance claim, plan ID HP-7781-22.",
    "Patient: That's right. The pharmacy at 10.0.0.12 kept asking for it.",
    "Doctor: Any shortness of breath, dizziness, or swelling in your ankles since you left the hospital?",
    "Patient: A little swelling in the evenings, nothing else. I've been taking the metoprolol twice a day.",
    "Doctor: Keep taking it. I'd like to see you again in two weeks, and we'll repeat the echocardiogram then.",
    "Patient: Okay. Should I call the clinic at 617-555-0142 to book it?",
    "Doctor: Yes, or use the portal at https://portal.example.org/patients/jroe. Anything else today?",
    "Patient: No, that's all. Thank you, doctor.",
]
text = "\n".join(turns)
json.dump({"id": "transcript-1", "text": text}, open(sys.argv[1], "w"))
print(f"loadtest: transcript of {len(text)} characters, {len(turns)} turns", file=sys.stderr)
EOF

cat > "$WORK/post.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
local f = io.open("$WORK/body.json", "r")
wrk.body = f:read("*a")
f:close()
local errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("loadtest: %d requests, %.1f requests/s, non-2xx %d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), summary.errors.status))
  io.write(string.format("loadtest: latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
EOF

# Check one request before loading.
curl_ok=$(command -v curl || true)
if [ -n "$curl_ok" ]; then
    curl -sf -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" --data @"$WORK/body.json" "http://$ADDR/v1/redact" > /dev/null \
        || { echo "loadtest: a single request failed" >&2; cat "$WORK/server.log" >&2; exit 1; }
fi

echo "loadtest: wrk -t$THREADS -c$CONNECTIONS -d$DURATION against http://$ADDR/v1/redact (server threads: $SERVER_THREADS, cores: $(nproc))"
timeout 300 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s "$WORK/post.lua" "http://$ADDR/v1/redact"

kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || true
SERVER_PID=""
"$BIN" audit verify "$WORK/audit.jsonl"
