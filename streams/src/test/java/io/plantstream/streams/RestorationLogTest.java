package io.plantstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A restoration is reported once every changelog partition that started restoring has finished. */
class RestorationLogTest {

  private static final TopicPartition TIMELINE_0 = new TopicPartition("app-machine-timeline-store-changelog", 0);
  private static final TopicPartition TIMELINE_1 = new TopicPartition("app-machine-timeline-store-changelog", 1);
  private static final TopicPartition SITE_0 = new TopicPartition("app-site-kpi-1m-store-changelog", 0);

  private final AtomicLong now = new AtomicLong(1_000);
  private final RestorationLog log = new RestorationLog(now::get);

  @Test
  void partitionsRestoringTogetherMakeOneRestoration() {
    log.onRestoreStart(TIMELINE_0, "machine-timeline-store", 0, 40);
    log.onRestoreStart(TIMELINE_1, "machine-timeline-store", 0, 60);
    log.onRestoreStart(SITE_0, "site-kpi-1m-store", 0, 7);
    log.onRestoreEnd(TIMELINE_0, "machine-timeline-store", 40);
    log.onRestoreEnd(SITE_0, "site-kpi-1m-store", 7);
    assertThat(log.restorations()).as("one partition still restoring").isZero();

    log.onRestoreEnd(TIMELINE_1, "machine-timeline-store", 60);

    assertThat(log.restorations()).isEqualTo(1);
    assertThat(log.totalRecords()).isEqualTo(107);
  }

  @Test
  void aSuspendedPartitionCountsWhatItRestoredAndALaterRestorationIsASecondOne() {
    log.onRestoreStart(TIMELINE_0, "machine-timeline-store", 0, 40);
    log.onRestoreSuspended(TIMELINE_0, "machine-timeline-store", 15);
    now.addAndGet(5_000);
    log.onRestoreStart(TIMELINE_1, "machine-timeline-store", 30, 60);
    log.onRestoreEnd(TIMELINE_1, "machine-timeline-store", 30);

    assertThat(log.restorations()).isEqualTo(2);
    assertThat(log.totalRecords()).isEqualTo(45);
  }
}
