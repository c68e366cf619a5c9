#!/usr/bin/env bash
# Side by side on one embedded Kafka broker: the KPI topology and a pass-through topology over the
# same pre-loaded telemetry, same serdes and processing guarantee. Options: [--hours H] [--rounds N]
# [--start ISO]; JVM options in BENCH_JAVA_OPTS.
exec "$(dirname "$0")/run-benchmark.sh" KpiVsPassThrough "$@"
