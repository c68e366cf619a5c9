#!/usr/bin/env bash
# Runs one benchmark class of the bench module with plain java: builds bench/ and what it needs with
# the Maven wrapper (packaged in the reactor, nothing installed into ~/.m2), then execs
# io.plantstream.bench.<CLASS> with the remaining arguments. JVM options in BENCH_JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
class="$1"
shift
./mvnw -B -q -DskipTests -pl bench -am package dependency:build-classpath \
  -Dmdep.includeScope=runtime -Dmdep.outputFile=target/classpath.txt
exec java ${BENCH_JAVA_OPTS:--Xms2g -Xmx2g} -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  "io.plantstream.bench.$class" "$@"
