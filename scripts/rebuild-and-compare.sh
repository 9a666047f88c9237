#!/usr/bin/env bash
# Builds one commit twice, each time in a fresh clone at another path, and compares the gateway jars' SHA-256:
# the build is reproducible when they are equal (issue 16, point 2). An expert compares the same way a digest
# the gateway's seal gives for the jar that ran: `scripts/rebuild-and-compare.sh COMMIT` then `sha256sum`.
#   usage: scripts/rebuild-and-compare.sh [COMMIT]     (default HEAD; run from the repository)
# It needs the same JDK major version and Maven as the build it is compared with (Build-Jdk-Spec in the
# manifest); every jar entry carries project.build.outputTimestamp (pom.xml), not the build's time.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
commit="$(git -C "$repo" rev-parse "${1:-HEAD}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
digests=()
for n in first second; do
  git clone -q --no-local "$repo" "$work/$n-build"
  git -C "$work/$n-build" checkout -q "$commit"
  (cd "$work/$n-build" && mvn -q -B -DskipTests -pl gateway,gateway-dev -am package >"$work/$n.log" 2>&1) \
    || { tail -40 "$work/$n.log"; exit 1; }
  digests+=("$(cd "$work/$n-build" && sha256sum gateway/target/sesame-gateway.jar gateway-dev/target/sesame-gateway-dev.jar)")
done
echo "commit $commit"
echo "${digests[0]}"
if [ "${digests[0]}" != "${digests[1]}" ]; then
  echo "NOT reproducible: the second build gave"
  echo "${digests[1]}"
  exit 1
fi
echo "reproducible: two builds in different directories gave the same jars"
