#!/usr/bin/env bash
# Read throughput of a 512x512x200 int16 .nii.gz versus `gzip -dc` on the same file, in one run.
# Usage: libs/volume-io/bench.sh [reps]   (from anywhere; writes libs/volume-io/target/bench/)
set -euo pipefail
module="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$module/../.." && pwd)"
(cd "$root" && ./mvnw -B -q -o -pl libs/volume-io compile)
exec java -Xmx1500m -XX:+UseSerialGC -cp "$module/target/classes" \
  io.distillery.volumeio.bench.NiftiReadBenchmark "$module/target/bench" "${1:-7}"
