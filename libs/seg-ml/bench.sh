#!/usr/bin/env bash
# Benchmarks of seg-ml.
#   libs/seg-ml/bench.sh [--threads 2] [--reps 2]          default teacher vs default student (NetworkBenchmark)
#   libs/seg-ml/bench.sh kernels [--size 64 --channels 16]  layer-level DJL PyTorch timing (KernelBenchmark)
set -euo pipefail
cd "$(dirname "$0")"
main=io.distillery.segml.bench.NetworkBenchmark
if [[ "${1:-}" == "kernels" ]]; then
  main=io.distillery.segml.bench.KernelBenchmark
  shift
fi
../../mvnw -B -o -q -f ../../pom.xml -pl libs/seg-ml compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xmx2g -XX:+UseSerialGC -Dai.djl.offline=true \
  -cp "target/classes:$(cat target/bench.classpath)" "$main" "$@"
