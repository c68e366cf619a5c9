package io.plantstream.streams;

import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.internal.PartitionMark;
import io.plantstream.avro.internal.SiteInput;
import io.plantstream.avro.internal.WindowAccumulator;
import io.plantstream.schemas.KpiKeys;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.TestMachine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SiteKpiProcessor on its own, fed machine windows and the marks of three telemetry partitions:
 * when a site window is final, what idle partitions change, and when it is forgotten.
 */
class SiteKpiProcessorTest {

  private static final String STORE = "site-test-store";
  private static final Duration RETENTION = Duration.ofHours(2);
  private static final int PARTITIONS = 3;

  private final TestMachine litho = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-01");
  private final TestMachine etch = TestMachine.of("tsmc-phx", "tsmc-phx-etch", "tsmc-phx-etch-etch-01");
  private final MockProcessorContext<String, SiteKpi> context = new MockProcessorContext<>();
  private SiteKpiProcessor processor;
  private KeyValueStore<String, SiteKpi> sites;
  private KeyValueStore<String, MachineKpi> parts;
  private KeyValueStore<String, Long> marks;

  @BeforeEach
  void init() {
    sites = store(STORE, Topics.SITE_KPI_SERDE);
    parts = store(STORE + SiteKpiProcessor.PARTS_SUFFIX, Topics.MACHINE_KPI_SERDE);
    marks = store(STORE + SiteKpiProcessor.MARKS_SUFFIX, Serdes.Long());
    processor = new SiteKpiProcessor(STORE, RETENTION, PARTITIONS, KpiConfig.defaults());
    processor.init(context);
  }

  @Test
  void aSiteWindowIsPublishedOnceFinalWhenTheLowestPartitionBoundaryPassesItsEnd() {
    process(minute(litho, T0, 60_000, 2, 1));
    process(minute(etch, T0, 30_000, 1, 1));
    mark(0, at(T0, "3m"));
    mark(1, at(T0, "1m"));
    assertThat(context.forwarded()).as("partition 2 never heard of").isEmpty();

    mark(2, at(T0, "5m"));

    SiteKpi site = onlyForwarded();
    assertThat(site.getFinal$()).isTrue();
    assertThat(site.getRevision()).isEqualTo(1);
    assertThat(site.getMachinesReporting()).isEqualTo(2);
    assertThat(site.getUnitsTotal()).isEqualTo(3);
    assertThat(site.getStateMillis().getProductive()).isEqualTo(90_000);
  }

  @Test
  void aPartitionBehindHoldsTheSiteWindowUntilItsMarkPassesTheEnd() {
    mark(0, at(T0, "5h"));
    mark(1, at(T0, "5h"));
    process(minute(litho, T0, 60_000, 0, 0));
    mark(2, T0);
    assertThat(context.forwarded()).isEmpty();

    // Hours behind the others, partition 2 still sends its machine's minute before its mark passes it.
    process(minute(etch, T0, 60_000, 1, 1));
    mark(2, at(T0, "1m"));

    SiteKpi site = onlyForwarded();
    assertThat(site.getMachinesReporting()).isEqualTo(2);
    assertThat(site.getStateMillis().getProductive()).isEqualTo(120_000);
  }

  @Test
  void anIdlePartitionHoldsNothingBackAndWhatItSendsLaterCorrectsTheFinalWindow() {
    process(minute(litho, T0, 60_000, 1, 1));
    mark(0, at(T0, "2m"));
    mark(1, at(T0, "2m"));
    idle(2, null);

    SiteKpi first = onlyForwarded();
    assertThat(first.getFinal$()).isTrue();
    assertThat(first.getMachinesReporting()).isEqualTo(1);
    context.resetForwards();

    process(minute(etch, T0, 60_000, 1, 0));

    SiteKpi corrected = onlyForwarded();
    assertThat(corrected.getRevision()).isEqualTo(2);
    assertThat(corrected.getFinal$()).isTrue();
    assertThat(corrected.getMachinesReporting()).isEqualTo(2);
    assertThat(corrected.getUnitsTotal()).isEqualTo(2);
  }

  @Test
  void whenEveryPartitionIsIdleTheHighestBoundaryFinalizesWhatIsThere() {
    process(minute(litho, T0, 60_000, 0, 0));
    process(minute(litho, at(T0, "1m"), 60_000, 0, 0));
    mark(0, at(T0, "2m"));
    mark(1, at(T0, "1m"));
    idle(2, null);
    assertThat(context.forwarded()).as("minute 1 waits for partition 1").hasSize(1);

    idle(0, at(T0, "2m"));
    idle(1, at(T0, "1m"));

    assertThat(context.forwarded()).hasSize(2);
    assertThat(context.forwarded().get(1).record().value().getWindowStart()).isEqualTo(at(T0, "1m"));
  }

  @Test
  void aPartitionThatSpeaksAgainHoldsNewWindowsButNeverUnfinalizesOldOnes() {
    process(minute(litho, T0, 60_000, 0, 0));
    mark(0, at(T0, "1m"));
    mark(1, at(T0, "1m"));
    idle(2, null);
    assertThat(context.forwarded()).hasSize(1);

    mark(2, at(T0, "30s")); // active again, behind the others
    process(minute(litho, at(T0, "1m"), 60_000, 0, 0));
    mark(0, at(T0, "2m"));
    mark(1, at(T0, "2m"));

    assertThat(context.forwarded()).as("minute 1 waits for partition 2").hasSize(1);
    mark(2, at(T0, "2m"));
    assertThat(context.forwarded()).hasSize(2);
  }

  @Test
  void aSiteWindowIsForgottenRetentionAfterItIsFinalAndLaterMachineWindowsAreDropped() {
    process(minute(litho, T0, 60_000, 1, 1));
    markAll(at(T0, "1h"));
    assertThat(sites.get(key(T0))).as("1 h after its end, within retention").isNotNull();

    markAll(at(T0, "2h1m"));

    assertThat(sites.get(key(T0))).as("2 h after its end").isNull();
    assertThat(parts.get(key(T0) + '|' + litho.id())).isNull();
    context.resetForwards();
    process(minute(etch, T0, 60_000, 1, 1));
    assertThat(context.forwarded()).isEmpty();
    assertThat(sites.get(key(T0))).as("not brought back from nothing").isNull();
  }

  @Test
  void aRepeatedMachineRecordIsCountedOnce() {
    MachineKpi window = minute(litho, T0, 60_000, 2, 1);
    process(window);
    process(window);
    markAll(at(T0, "1m"));

    assertThat(onlyForwarded().getUnitsTotal()).isEqualTo(2);
  }

  @Test
  void aRestartedTaskResumesFromItsStores() {
    process(minute(litho, T0, 60_000, 1, 1));
    mark(0, at(T0, "1m"));
    mark(1, at(T0, "1m"));

    SiteKpiProcessor restarted = new SiteKpiProcessor(STORE, RETENTION, PARTITIONS, KpiConfig.defaults());
    restarted.init(context);
    restarted.process(new Record<>("2", new SiteInput(new PartitionMark(2, PARTITIONS, at(T0, "1m").toEpochMilli(),
        false)), 0L));

    assertThat(onlyForwarded().getUnitsTotal()).isEqualTo(1);
    assertThat(marks.get("final-until")).isEqualTo(at(T0, "1m").toEpochMilli());
  }

  @Test
  void aMarkCountingOtherPartitionsStopsTheTaskWithAClearMessage() {
    assertThatThrownBy(() -> processor.process(new Record<>("0",
        new SiteInput(new PartitionMark(0, PARTITIONS + 1, T0.toEpochMilli(), false)), 0L)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("counts 4 partitions, this site task 3");
  }

  private SiteKpi onlyForwarded() {
    List<MockProcessorContext.CapturedForward<? extends String, ? extends SiteKpi>> forwarded = context.forwarded();
    assertThat(forwarded).hasSize(1);
    assertThat(forwarded.get(0).record().key()).isEqualTo(key(T0));
    return forwarded.get(0).record().value();
  }

  private void markAll(Instant closedUntil) {
    for (int p = 0; p < PARTITIONS; p++) {
      mark(p, closedUntil);
    }
  }

  private void mark(int partition, Instant closedUntil) {
    processor.process(new Record<>(Integer.toString(partition), new SiteInput(
        new PartitionMark(partition, PARTITIONS, closedUntil.toEpochMilli(), false)), 0L));
  }

  private void idle(int partition, Instant closedUntil) {
    processor.process(new Record<>(Integer.toString(partition), new SiteInput(new PartitionMark(partition, PARTITIONS,
        closedUntil == null ? null : closedUntil.toEpochMilli(), true)), 0L));
  }

  private void process(MachineKpi kpi) {
    processor.process(new Record<>(KpiKeys.of("tsmc-phx", kpi.getWindowStart().toEpochMilli()), new SiteInput(kpi),
        kpi.getWindowStart().toEpochMilli()));
  }

  private static String key(Instant windowStart) {
    return KpiKeys.of("tsmc-phx", windowStart.toEpochMilli());
  }

  private static MachineKpi minute(TestMachine machine, Instant start, long productive, long units, long good) {
    WindowAccumulator window = KpiMath.emptyWindow(start.toEpochMilli(), start.toEpochMilli() + 60_000);
    window.setUnitsTotal(units);
    window.setUnitsGood(good);
    KpiMath.add(window.getStateMillis(), EquipmentState.PRODUCTIVE, productive);
    KpiMath.add(window.getStateMillis(), null, 60_000 - productive);
    return KpiMath.machineKpi(machine.id(), "tsmc-phx", "line", window, 20_000L);
  }

  private <V> KeyValueStore<String, V> store(String name, Serde<V> serde) {
    KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
        Serdes.String(), serde).withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }
}
