#!/usr/bin/env bash
# The roll import's rate and the gateway's CPU a voter, through the API, on this machine: a Redis of its own (port
# 6390 unless REDIS_PORT, nothing kept on disk), the gateway in dev mode on it, a generated roll (the load tests'
# voters: identifier, college, names, a French mobile, a student number), imported through the synchronous route
# (`sync`) or as a job (`job`, the body streamed to the job, followed until it ends). Prints the wall time, voters/s,
# the gateway's CPU time (user + system, from /proc) and Redis's time in its commands (INFO commandstats).
#
#   mvn -q -B -Pbench -pl loadtests -am package -DskipTests   # builds the gateway and the roll generator
#   scripts/measure-import.sh sync 200000 [gateway-dev jar]    # or: job 200000
#
# GW_JVM_ARGS adds options to the gateway's JVM (a JFR recording: -XX:StartFlightRecording=filename=/tmp/gw.jfr,settings=profile).
# A/B: build the other commit in another clone and pass its gateway-dev jar; run the two alternately, same hour.
set -euo pipefail
trap 'echo "measure-import: failed at line $LINENO; the gateway log: /tmp/measure-import-gateway.log" >&2; cp "$WORK/gateway.log" /tmp/measure-import-gateway.log' ERR
MODE=${1:?sync or job}; VOTERS=${2:-200000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${3:-$ROOT/gateway-dev/target/sesame-gateway-dev.jar}
BENCH=$ROOT/loadtests/target/benchmarks.jar
PORT=${SESAME_HTTP_PORT:-8098}; RPORT=${REDIS_PORT:-6390}
if redis-cli -p "$RPORT" ping >/dev/null 2>&1; then echo "port $RPORT answers already: set REDIS_PORT" >&2; exit 1; fi
WORK=$(mktemp -d); GW=
cleanup() {
  set +e
  [ -n "$GW" ] && kill "$GW" 2>/dev/null && wait "$GW" 2>/dev/null
  redis-cli -p "$RPORT" shutdown nosave >/dev/null 2>&1 || true
  for i in $(seq 1 50); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 || break; sleep 0.1; done
  rm -rf "$WORK"
}
trap cleanup EXIT
redis-server --port "$RPORT" --save '' --appendonly no --hash-max-listpack-value 256 --daemonize yes --pidfile "$WORK/redis.pid" \
  --logfile "$WORK/redis.log"
for i in $(seq 1 50); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
java -cp "$BENCH" fr.sesame.loadtests.env.Voters "$VOTERS" "$WORK/roll.csv"
head -20001 "$WORK/roll.csv" > "$WORK/warm.csv"
REDIS_URL=redis://127.0.0.1:$RPORT SESAME_HTTP_PORT=$PORT java -Xmx512m ${GW_JVM_ARGS:-} -jar "$JAR" dev > "$WORK/gateway.log" 2>&1 &
GW=$!
for i in $(seq 1 120); do curl -sf "localhost:$PORT/health/ready" >/dev/null && break; sleep 0.5; done
curl -sf "localhost:$PORT/health/ready" >/dev/null || { echo "the gateway did not start: $WORK/gateway.log" >&2; \
  tail -20 "$WORK/gateway.log" >&2; exit 1; }
AUTH='Authorization: Bearer dev-admin'
# the demo election is created and its roll imported once the gateway is ready: wait for that import to be over
for i in $(seq 1 120); do grep -q "voters imported" "$WORK/gateway.log" && break; sleep 0.5; done
for i in $(seq 1 60); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "localhost:$PORT/v1/admin/elections/demo/voters" -H "$AUTH" \
    -H 'Content-Type: text/csv' --data-binary @"$WORK/warm.csv" || true)   # the warm-up: 20,000 voters
  [ "$code" = 200 ] && break; sleep 0.5
done
[ "$code" = 200 ] || { echo "the warm-up import answered $code" >&2; exit 1; }
redis-cli -p "$RPORT" config resetstat >/dev/null
cpu() { awk '{print $14 + $15}' "/proc/$GW/stat"; }
CPU0=$(cpu); T0=$(date +%s.%N)
if [ "$MODE" = sync ]; then
  curl -sS -o "$WORK/report.json" -X POST "localhost:$PORT/v1/admin/elections/demo/voters" -H "$AUTH" \
    -H 'Content-Type: text/csv' --data-binary @"$WORK/roll.csv"
  RESULT=$(cat "$WORK/report.json")
else
  # curl stops sending a body once an answer came: the job answers 202 before the roll is read
  JOB=$(python3 - "$PORT" "$WORK/roll.csv" <<'PY'
import json, socket, sys
port, path = int(sys.argv[1]), sys.argv[2]
body = open(path, 'rb').read()
s = socket.create_connection(('127.0.0.1', port))
s.sendall(("POST /v1/admin/elections/demo/imports HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer dev-admin\r\n"
           "Content-Type: text/csv\r\nContent-Length: %d\r\n\r\n" % len(body)).encode())
s.sendall(body)
data = b''
while b'}' not in data.split(b'\r\n\r\n', 1)[-1]:
    data += s.recv(65536)
print(json.loads(data.split(b'\r\n\r\n', 1)[1])['jobId'])
s.shutdown(socket.SHUT_WR)
PY
)
  while RESULT=$(curl -s "localhost:$PORT/v1/admin/elections/demo/imports/$JOB" -H "$AUTH"); \
        echo "$RESULT" | grep -q '"status":"running"'; do sleep 0.1; done
fi
T1=$(date +%s.%N); CPU1=$(cpu)
IMPORTED=$(echo "$RESULT" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("imported"))')
[ "$IMPORTED" = "$VOTERS" ] || { echo "imported $IMPORTED of $VOTERS: $RESULT" >&2; exit 1; }
TICK=$(getconf CLK_TCK)
python3 - "$T0" "$T1" "$CPU0" "$CPU1" "$TICK" "$VOTERS" "$MODE" <<'PY'
import sys
t0, t1, c0, c1, tick, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
wall, cpu = t1 - t0, (c1 - c0) / tick
print(f"{sys.argv[7]}: {n} voters in {wall:.1f} s, {n / wall:,.0f} voters/s; gateway CPU {cpu:.1f} s, "
      f"{cpu / n * 1e6:.0f} us a voter")
PY
redis-cli -p "$RPORT" info commandstats > "$WORK/stats.txt"
python3 - "$WORK/stats.txt" <<'PY'
import sys
total = 0
for line in open(sys.argv[1]):
    if line.startswith("cmdstat_"):
        name, rest = line.strip().split(":", 1)
        f = dict(kv.split("=") for kv in rest.split(","))
        total += int(f["usec"]) if name in ("cmdstat_evalsha", "cmdstat_eval", "cmdstat_zadd", "cmdstat_wait", "cmdstat_xadd", "cmdstat_hset", "cmdstat_hmget", "cmdstat_hgetall") and name not in ("cmdstat_hset",) else 0
        if name in ("cmdstat_evalsha", "cmdstat_eval", "cmdstat_zadd", "cmdstat_wait"):
            print("  %s: %s calls, %.2f s" % (name[8:], f["calls"], int(f["usec"]) / 1e6))
print("  Redis time in scripts, ZADD and WAIT: %.2f s (commands scripts call are inside their script's time)" % (total / 1e6))
PY
