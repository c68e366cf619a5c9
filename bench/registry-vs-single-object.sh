#!/usr/bin/env bash
# Side by side on one embedded Kafka broker and one Apicurio Registry (fetched on first use, as
# `plant registry` does): the simulator and the KPI application in registry mode (Confluent wire
# format) against single-object encoding. Options: [--hours H] [--rounds N]; JVM options in BENCH_JAVA_OPTS.
exec "$(dirname "$0")/run-benchmark.sh" RegistryVsSingleObject "$@"
