#!/usr/bin/env bash
# Every benchmark in one run on one embedded broker, each figure next to its ceiling from the same
# run: simulator and replay against Kafka's ProducerPerformance, KPI against pass-through topology,
# the packaged streams application's latency at half capacity with its heap and RSS, its scale curve
# over plants 1, 10, 30 and 300 times the default, a fab-scale plant in real time (simulator, broker
# and application on this machine), and the Avro codec with JMH. Prints a Markdown report and writes
# it to bench/results/ (or --out FILE). About 22 minutes in full, about
# 10 minutes with --quick (BENCHMARKS.md, How to run).
# Options: [--quick] [--out FILE] [--app-jar JAR] [--fab-plant FILE]; JVM options of the benchmark
# JVM in BENCH_JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
# The latency, scale and real-time parts run the application as users do, from the jar ./plant builds.
./plant --help >/dev/null
BENCH_COMMAND="bench/run-all.sh $*" exec bench/run-benchmark.sh BenchmarkSuite "$@"
