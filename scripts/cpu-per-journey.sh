#!/usr/bin/env bash
# The gateway's CPU per voter journey (login, SMS code, verify, 2 introspections, émargement): runs
# JourneyCpuSimulation (a closed model: USERS voters at a time, for HOLD seconds, after the load environment's own
# warm-up) against a gateway jar, samples the gateway process's CPU time (user + system, /proc/<pid>/stat) every
# second, and divides the CPU of the run's steady part (from 15 s in to the last report) by the émargements made in
# it. A closed model never offers more than the machine answers: on a busy, shared machine the journeys slow down
# but do not fail, so the figure stays a cost, not a capacity. The SMS provider's time limit is raised to 30 s
# (sesame.providerTimeout): a load generator stalled for seconds by the machine would otherwise trip the breaker.
#
#   mvn -q -B -o -pl gateway -am package -DskipTests
#   scripts/cpu-per-journey.sh LABEL [gateway jar] [RATE] [USERS] [HOLD]
#
# RATE: journeys a second at most (Gatling's throttle; 0 for as many as USERS voters make). Compare runs at one rate:
# the cost of a journey falls as the rate rises (an event loop woken for one request pays alone what several share).
#
# A/B: build the other commit in another clone, copy each jar to a directory of its own (the load environment
# writes its config and log beside the jar) and run the two alternately, same settings, same hour.
set -euo pipefail
LABEL=${1:?label}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$(readlink -f "${2:-$ROOT/gateway/target/sesame-gateway.jar}")
RATE=${3:-80}; USERS=${4:-16}; HOLD=${5:-60}
LOG=/tmp/cpj-$LABEL.log; CPU=/tmp/cpj-$LABEL.cpu
: > "$CPU"
cd "$ROOT"
mvn -B -o -pl loadtests verify -Dsimulation=fr.sesame.loadtests.sim.JourneyCpuSimulation -Dsesame.warmup=20 \
  -Dsesame.rate="$RATE" -Dsesame.users="$USERS" -Dsesame.ramp=5 -Dsesame.hold="$HOLD" -Dsesame.voters=$((HOLD * 600 + 2000)) \
  -Dsesame.p99=5000 -Dsesame.gatewayJar="$JAR" -Dsesame.providerTimeout=PT30S -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false ${SESAME_MVN_ARGS:-} > "$LOG" 2>&1 &
MVN=$!
PID=
while kill -0 $MVN 2>/dev/null; do
  [ -z "$PID" ] && PID=$(pgrep -f -- "-jar $JAR serve" | head -1 || true)
  if [ -n "$PID" ] && [ -r /proc/$PID/stat ]; then
    # the whole process, and its threads by kind: the event loops and Lettuce's (requests), the JIT compilers, GC
    T=$(awk '{print $14 + $15}' /proc/$PID/stat 2>/dev/null || true)
    K=$(cat /proc/$PID/task/*/stat 2>/dev/null | awk '{
          match($0, /\(.*\)/); name = substr($0, RSTART + 1, RLENGTH - 2); split(substr($0, RSTART + RLENGTH + 1), f, " ")
          t = f[12] + f[13]
          if (name ~ /^(vert\.x-eventloo|lettuce-)/) r += t; else if (name ~ /C[12] Compil/) j += t; else if (name ~ /^(G1|GC )/) g += t
        } END {printf "%d %d %d", r, j, g}')
    [ -n "$T" ] && echo "$(date -u +%H:%M:%S) $T $K" >> "$CPU"
  fi
  sleep 1
done
python3 - "$LOG" "$CPU" "$LABEL" "$(getconf CLK_TCK)" <<'PY'
import re, sys
log, cpu, label, hz = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ticks = {}
for line in open(cpu):
    f = line.split()
    ticks[f[0]] = [int(x) for x in f[1:]]
blocks, cur = [], None  # [time, elapsed s, émargements OK, failed requests]
for line in open(log, errors="replace"):
    m = re.match(r'\d{4}-\d\d-\d\d (\d\d:\d\d:\d\d) GMT\s+(\d+)s elapsed', line)
    if m:
        cur = [m.group(1), int(m.group(2)), None, None]; blocks.append(cur); continue
    if cur is not None:
        m = re.match(r'> Global\s+\|\s*[\d,]+ \|\s*[\d,]+ \|\s*([\d,]+)', line)
        if m: cur[3] = int(m.group(1).replace(',', ''))
        m = re.match(r'> emargement\s+\|\s*[\d,]+ \|\s*([\d,]+) \|', line)
        if m: cur[2] = int(m.group(1).replace(',', ''))
def secs_of(t):
    h, m, s = map(int, t.split(':')); return h * 3600 + m * 60 + s
samples = sorted((secs_of(t), v) for t, v in ticks.items())
def ticks_at(t, i=0):  # the sample nearest to t (the sampler may skip a second on a busy machine)
    return min(samples, key=lambda x: abs(x[0] - secs_of(t)))[1][i]
usable = [b for b in blocks[:-1] if b[2] is not None]  # the last block is the final summary
start = next((b for b in usable if b[1] >= 15), None)
end = usable[-1] if usable else None
if not start or not end or end[1] <= start[1] or end[2] <= start[2]:
    sys.exit(f"{label}: no steady window in {log}")
journeys = end[2] - start[2]
ms = (ticks_at(end[0]) - ticks_at(start[0])) * 1000.0 / hz
secs = end[1] - start[1]
failed = blocks[-1][3] if blocks and blocks[-1][3] is not None else "?"
part = [(ticks_at(end[0], i) - ticks_at(start[0], i)) * 1000.0 / hz for i in (1, 2, 3)]
print(f"{label}: {start[1]}-{end[1]} s, {journeys} journeys ({journeys / secs:.0f}/s), gateway CPU {ms / 1000:.1f} s "
      f"({ms / 10 / secs:.0f} % of a core): {ms / journeys:.3f} ms a journey, of which event loops and Lettuce "
      f"{part[0] / journeys:.3f} ms, JIT {part[1] / journeys:.3f} ms, GC {part[2] / journeys:.3f} ms; "
      f"failed requests in the run: {failed}")
PY
