#!/usr/bin/env bash
# Side by side on one embedded Kafka broker: the KPI topology and a pass-through topology over the
# same pre-loaded telemetry, same serdes and processing guarantee. Builds what it needs with the
# Maven wrapper, then runs io.plantstream.bench.KpiVsPassThrough with plain java. Options:
# [--hours H] [--rounds N]; JVM options in BENCH_JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q install -DskipTests -pl bench -am
./mvnw -B -q -pl bench dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/classpath.txt
exec java ${BENCH_JAVA_OPTS:--Xms2g -Xmx2g} -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  io.plantstream.bench.KpiVsPassThrough "$@"
