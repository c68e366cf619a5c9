package io.plantstream.streams;

import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.internal.WindowAccumulator;
import io.plantstream.schemas.KpiKeys;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.TestMachine;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SiteKpiProcessor on its own: it drops a site window {@code retention} after it, in event time. */
class SiteKpiProcessorTest {

  private static final String STORE = "site-test-store";
  private static final Duration RETENTION = Duration.ofHours(2);

  private final TestMachine litho = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-01");
  private final MockProcessorContext<String, SiteKpi> context = new MockProcessorContext<>();
  private final SiteKpiProcessor processor = new SiteKpiProcessor(STORE, RETENTION);
  private KeyValueStore<String, SiteKpi> sites;

  @BeforeEach
  void init() {
    sites = store(STORE, Topics.SITE_KPI_SERDE);
    store(STORE + SiteKpiProcessor.PARTS_SUFFIX, Topics.MACHINE_KPI_SERDE);
    KeyValueStore<String, MachineInfo> machines = store(MachineDirectory.STORE, Topics.MACHINE_INFO_SERDE);
    machines.put(litho.id(), litho.info("euv-scanner", Duration.ofSeconds(20)));
    processor.init(context);
  }

  @Test
  void aSiteWindowIsKeptForTheRetentionThenDroppedAsNewerWindowsArrive() {
    process(minute(T0));
    process(minute(at(T0, "1h")));
    assertThat(sites.get(KpiKeys.of("tsmc-phx", T0.toEpochMilli()))).as("1 h later, within retention").isNotNull();

    process(minute(at(T0, "2h2m")));

    assertThat(sites.get(KpiKeys.of("tsmc-phx", T0.toEpochMilli()))).as("2 h after its end").isNull();
    assertThat(sites.get(KpiKeys.of("tsmc-phx", at(T0, "1h").toEpochMilli()))).isNotNull();
    assertThat(context.forwarded()).hasSize(3);
  }

  private void process(MachineKpi kpi) {
    processor.process(new Record<>(KpiKeys.of("tsmc-phx", kpi.getWindowStart().toEpochMilli()), kpi,
        kpi.getWindowStart().toEpochMilli()));
  }

  private MachineKpi minute(Instant start) {
    WindowAccumulator window = new WindowAccumulator(start.toEpochMilli(), start.toEpochMilli() + 60_000,
        KpiMath.zeroStates(), 2L, 1L);
    KpiMath.add(window.getStateMillis(), EquipmentState.PRODUCTIVE, 60_000);
    return KpiMath.machineKpi(litho.id(), "tsmc-phx", "tsmc-phx-litho", window, 20_000L);
  }

  private <V> KeyValueStore<String, V> store(String name, org.apache.kafka.common.serialization.Serde<V> serde) {
    KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
        Serdes.String(), serde).withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }
}
