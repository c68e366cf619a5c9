#!/usr/bin/env bash
# Side by side on one embedded Kafka broker: Kafka's ProducerPerformance and `replay --speed max`,
# same record size and producer settings. Builds what it needs with the Maven wrapper (packaged in
# the reactor, nothing installed into ~/.m2), then runs io.plantstream.bench.ReplayVsProducerPerf
# with plain java. Options: [--records N] [--rounds N] [--partitions N] [--warmup N]
# [--compression deflate|zstd]; JVM options in BENCH_JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -DskipTests -pl bench -am package dependency:build-classpath \
  -Dmdep.includeScope=runtime -Dmdep.outputFile=target/classpath.txt
exec java ${BENCH_JAVA_OPTS:--Xms2g -Xmx2g} -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  io.plantstream.bench.ReplayVsProducerPerf "$@"
