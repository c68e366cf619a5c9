#!/usr/bin/env bash
# Side by side on one embedded Kafka broker: Kafka's ProducerPerformance and `replay --speed max`,
# same record size and producer settings. Options: [--records N] [--rounds N] [--partitions N]
# [--warmup N] [--compression deflate|zstd]; JVM options in BENCH_JAVA_OPTS.
exec "$(dirname "$0")/run-benchmark.sh" ReplayVsProducerPerf "$@"
