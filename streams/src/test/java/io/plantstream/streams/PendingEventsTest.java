package io.plantstream.streams;

import static io.plantstream.avro.EquipmentState.PRODUCTIVE;
import static io.plantstream.avro.EquipmentState.STANDBY;
import static io.plantstream.avro.UnitOutcome.FAIL;
import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.testing.TestMachine;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pending events of a partition: their order, what they keep, duplicates, the store. */
class PendingEventsTest {

  private final TestMachine litho = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-01");
  private final TestMachine etch = TestMachine.of("tsmc-phx", "tsmc-phx-etch", "tsmc-phx-etch-etch-01");
  private KeyValueStore<Long, byte[]> store;
  private KeyValueStore<String, byte[]> openStore;
  private PendingEvents pending;
  private long offset;

  @BeforeEach
  void init() {
    MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
    store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("pending"), Serdes.Long(), Serdes.ByteArray())
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    openStore = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("open"), Serdes.String(), Serdes.ByteArray())
        .withLoggingDisabled().build();
    openStore.init(context.getStateStoreContext(), openStore);
    pending = new PendingEvents(store, openStore);
  }

  @Test
  void eachMachineKeepsItsEventsInEventTimeThenOffsetOrderWhateverTheArrival() {
    add(litho.heartbeat(PRODUCTIVE, at(T0, "20s")));
    add(litho.state(STANDBY, at(T0, "10s")));
    add(etch.unit(FAIL, at(T0, "15s")));
    add(litho.sensor("power", 1.0, at(T0, "10s")));

    PendingEvents.Machine scanner = pending.of(litho.id());
    assertThat(times(scanner)).containsExactly(at(T0, "10s").toEpochMilli(), at(T0, "10s").toEpochMilli(),
        at(T0, "20s").toEpochMilli());
    // Same time: offset order, the state change (offset 1) before the reading (offset 3).
    assertThat(scanner.kind(0)).isEqualTo(PendingEvents.Kind.STATE);
    assertThat(scanner.state(0)).isEqualTo(STANDBY);
    assertThat(scanner.kind(1)).isEqualTo(PendingEvents.Kind.SENSOR);
    assertThat(scanner.state(1)).isNull();
    assertThat(scanner.kind(2)).isEqualTo(PendingEvents.Kind.HEARTBEAT);
    assertThat(pending.of(etch.id()).kind(0)).isEqualTo(PendingEvents.Kind.UNIT_FAIL);
  }

  @Test
  void aDuplicateHasTheIdMachineAndTimeOfAPendingEvent() {
    TelemetryEvent unit = litho.unit(FAIL, at(T0, "10s"));
    add(unit);

    assertThat(isDuplicate(unit)).isTrue();
    TelemetryEvent sameIdLater = TelemetryEvent.newBuilder(unit).setEventTime(at(T0, "11s")).build();
    assertThat(isDuplicate(sameIdLater)).as("another time: another event").isFalse();
    TelemetryEvent sameTimeOtherId = TelemetryEvent.newBuilder(unit).setEventId("other").build();
    assertThat(isDuplicate(sameTimeOtherId)).isFalse();
    TelemetryEvent otherMachine = TelemetryEvent.newBuilder(unit).setMachineId(etch.id()).build();
    assertThat(isDuplicate(otherMachine)).isFalse();
  }

  @Test
  void aSegmentOfOffsetsLeavesTheStoreOnceEveryEventInItIsApplied() {
    for (int second = 0; second < 100; second++) {
      add(litho.sensor("power", second, at(T0, second + "s")));
    }
    assertThat(store.approximateNumEntries()).as("offsets 0-63 complete, 64-99 open").isEqualTo(1);
    assertThat(storeOffsets()).hasSize(100);

    PendingEvents.Machine scanner = pending.of(litho.id());
    int before = scanner.countBefore(at(T0, "60s").toEpochMilli());
    pending.drop(scanner, before);
    assertThat(before).isEqualTo(60);
    assertThat(scanner.size()).isEqualTo(40);
    assertThat(scanner.time(0)).isEqualTo(at(T0, "60s").toEpochMilli());
    assertThat(storeOffsets()).as("60 to 63 still pending: the first segment stays whole").hasSize(100);

    pending.drop(scanner, 4);
    assertThat(storeOffsets()).hasSize(36).first().isEqualTo(64L);
    assertThat(pending.segments()).isEqualTo(1);

    pending.drop(scanner, 36);
    assertThat(storeOffsets()).as("the open segment stays until a later one opens").hasSize(36);
    offset = 128;
    add(litho.sensor("power", 1.0, at(T0, "200s")));
    assertThat(storeOffsets()).containsExactly(128L);
  }

  @Test
  void anEventHeldBackPastLaterOffsetsJoinsItsOwnSegment() {
    offset = 10;
    add(litho.state(PRODUCTIVE, at(T0, "10s")));
    offset = 130;
    add(litho.heartbeat(PRODUCTIVE, at(T0, "20s")));
    pending.add(etch.unit(FAIL, at(T0, "15s")), 11, 77L);

    assertThat(storeOffsets()).containsExactly(10L, 11L, 130L);
    PendingEvents restored = new PendingEvents(store, openStore);
    restored.reload(null);
    assertThat(times(restored.of(etch.id()))).containsExactly(at(T0, "15s").toEpochMilli());
    assertThat(restored.isDuplicate(etch.unit(FAIL, at(T0, "15s")), 77L)).isTrue();
  }

  @Test
  void aReloadRestoresEverythingButWhatTheBoundaryHasPassed() {
    add(litho.state(PRODUCTIVE, at(T0, "10s")));
    add(litho.unit(FAIL, at(T0, "70s")));
    add(etch.heartbeat(STANDBY, at(T0, "80s")));

    PendingEvents restored = new PendingEvents(store, openStore);
    restored.reload(at(T0, "60s").toEpochMilli());

    assertThat(times(restored.of(litho.id()))).containsExactly(at(T0, "70s").toEpochMilli());
    assertThat(restored.of(litho.id()).kind(0)).isEqualTo(PendingEvents.Kind.UNIT_FAIL);
    assertThat(restored.of(etch.id()).state(0)).isEqualTo(EquipmentState.STANDBY);
    assertThat(restored.newestTime()).isEqualTo(at(T0, "80s").toEpochMilli());
    // A segment stays while any of its events is pending; the applied one in it is skipped on reload.
    restored.drop(restored.of(etch.id()), 1);
    assertThat(storeOffsets()).containsExactly(0L, 1L, 2L);
  }

  @Test
  void aReloadPutsEveryMachineBackInTimeThenOffsetOrderWhateverOrderTheStoreGivesItsEntries() {
    // Out of order within each machine, interleaved between machines, equal times on purpose.
    java.util.Random random = new java.util.Random(7);
    List<TelemetryEvent> added = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      TestMachine machine = i % 3 == 0 ? etch : litho;
      added.add(add(machine.sensor("power", i, at(T0, (i / 2 + random.nextInt(20)) + "s"))));
    }
    PendingEvents restored = new PendingEvents(store, openStore);
    restored.reload(null);

    for (TestMachine machine : List.of(litho, etch)) {
      PendingEvents.Machine original = pending.of(machine.id());
      PendingEvents.Machine reloaded = restored.of(machine.id());
      assertThat(times(reloaded)).isSorted().containsExactlyElementsOf(times(original));
    }
    assertThat(added).allMatch(event -> restored.isDuplicate(event, PendingEvents.idHash(event.getEventId())));
    assertThat(restored.newestTime()).isEqualTo(pending.newestTime());
  }

  @Test
  void machinesQuietSinceTheHorizonWithNothingPendingAreForgotten() {
    add(litho.state(PRODUCTIVE, at(T0, "10s")));
    add(etch.state(PRODUCTIVE, at(T0, "50s")));
    pending.drop(pending.of(litho.id()), 1);
    pending.drop(pending.of(etch.id()), 1);

    assertThat(pending.machinesAcceptedAfter(at(T0, "20s").toEpochMilli())).isEqualTo(1);
    pending.forgetQuietSince(at(T0, "20s").toEpochMilli());

    assertThat(pending.of(litho.id())).isNull();
    assertThat(pending.of(etch.id())).isNotNull();
  }

  @Test
  void idHashesSpreadOverAllBits() {
    long a = PendingEvents.idHash("tsmc-phx-litho-euv-01#1");
    long b = PendingEvents.idHash("tsmc-phx-litho-euv-01#2");
    assertThat(a).isNotEqualTo(b);
    assertThat(Long.bitCount(a ^ b)).as("one character apart, about half the bits differ").isBetween(16, 48);
  }

  private TelemetryEvent add(TelemetryEvent event) {
    pending.add(event, offset++, PendingEvents.idHash(event.getEventId()));
    return event;
  }

  private boolean isDuplicate(TelemetryEvent event) {
    return pending.isDuplicate(event, PendingEvents.idHash(event.getEventId()));
  }

  private static List<Long> times(PendingEvents.Machine machine) {
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < machine.size(); i++) {
      times.add(machine.time(i));
    }
    return times;
  }

  private List<Long> storeOffsets() {
    List<Long> offsets = new ArrayList<>();
    try (KeyValueIterator<Long, byte[]> all = store.all()) {
      all.forEachRemaining(segment -> offsets.addAll(PendingEvents.offsetsIn(segment.value)));
    }
    byte[] open = openStore.get("open");
    if (open != null) {
      offsets.addAll(PendingEvents.offsetsInOpen(open));
    }
    offsets.sort(null);
    return offsets;
  }

}
