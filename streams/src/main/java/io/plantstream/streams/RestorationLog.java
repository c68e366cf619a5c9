package io.plantstream.streams;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says how long the instance spent restoring its state stores from their changelogs, and how much
 * it restored: after every restoration, one INFO line per store that restored records ({@code restored
 * N records of store S (P partitions) in T ms}) and one for the whole ({@code restoration finished: N records of K
 * stores in T ms}). Most stores live in memory (see {@link KpiTopology}), so every start restores
 * them; the RocksDB parts stores restore only what their state directory's checkpoint lacks, and a
 * task taken over from a standby replica only what the standby had not yet applied.
 *
 * <p>A restoration is the span during which at least one changelog partition is restoring; partitions
 * restored in one rebalance are reported together. Callbacks come from the stream and global threads.
 */
public final class RestorationLog implements StateRestoreListener {

  private static final Logger log = LoggerFactory.getLogger(RestorationLog.class);

  private final LongSupplier clock;
  private final Set<TopicPartition> restoring = new HashSet<>();
  private final Map<String, StoreRestoration> stores = new TreeMap<>();
  private long startedAt;
  private long totalRecords;
  private long restorations;

  /** A log timed by the system's monotonic clock. */
  public RestorationLog() {
    this(() -> System.nanoTime() / 1_000_000);
  }

  /** A log timed by {@code clockMillis}, a monotonic clock in milliseconds (for tests). */
  RestorationLog(LongSupplier clockMillis) {
    this.clock = clockMillis;
  }

  @Override
  public synchronized void onRestoreStart(TopicPartition partition, String storeName, long startingOffset,
      long endingOffset) {
    long now = clock.getAsLong();
    if (restoring.isEmpty() && stores.isEmpty()) {
      startedAt = now;
    }
    restoring.add(partition);
    stores.computeIfAbsent(storeName, name -> new StoreRestoration(now)).partitions++;
    log.debug("restoring store {} from {} offsets {} to {}", storeName, partition, startingOffset, endingOffset);
  }

  @Override
  public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {}

  @Override
  public synchronized void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
    finished(partition, storeName, totalRestored);
  }

  @Override
  public synchronized void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
    // The task moved elsewhere mid-restoration; what it restored until then still took the time.
    log.debug("restoration of store {} from {} suspended after {} records", storeName, partition, totalRestored);
    finished(partition, storeName, totalRestored);
  }

  /** Records restored since this instance started, over every restoration and store. */
  public synchronized long totalRecords() {
    return totalRecords;
  }

  /** Restorations finished since this instance started. */
  public synchronized long restorations() {
    return restorations;
  }

  private void finished(TopicPartition partition, String storeName, long records) {
    long now = clock.getAsLong();
    StoreRestoration store = stores.computeIfAbsent(storeName, name -> new StoreRestoration(now));
    store.records += records;
    store.endedAt = now;
    restoring.remove(partition);
    totalRecords += records;
    if (!restoring.isEmpty()) {
      return;
    }
    long sum = 0;
    for (Map.Entry<String, StoreRestoration> entry : stores.entrySet()) {
      StoreRestoration done = entry.getValue();
      sum += done.records;
      if (done.records == 0) {
        // Every changelog is checked at start; most are empty, and saying so for each is noise.
        continue;
      }
      log.info("restored {} records of store {} ({} partitions) in {} ms", done.records, entry.getKey(),
          done.partitions, done.endedAt - done.startedAt);
    }
    log.info("restoration finished: {} records of {} stores in {} ms", sum, stores.size(), now - startedAt);
    stores.clear();
    restorations++;
  }

  private static final class StoreRestoration {
    final long startedAt;
    long endedAt;
    long records;
    int partitions;

    StoreRestoration(long startedAt) {
      this.startedAt = startedAt;
      this.endedAt = startedAt;
    }
  }
}
