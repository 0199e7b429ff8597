#!/usr/bin/env bash
# Network benchmark of seg-ml: default teacher vs default student (see NetworkBenchmark's javadoc).
# Usage: libs/seg-ml/bench.sh [--threads 2] [--reps 2]
set -euo pipefail
cd "$(dirname "$0")"
../../mvnw -B -o -q -f ../../pom.xml -pl libs/seg-ml compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xmx2g -XX:+UseSerialGC -Dai.djl.offline=true \
  -cp "target/classes:$(cat target/bench.classpath)" io.distillery.segml.bench.NetworkBenchmark "$@"
