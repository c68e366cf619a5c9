package io.plantstream.streams;

import io.plantstream.avro.MachineInfo;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Read access to the machine metadata of {@code plant.machines}, kept by every instance in the
 * global store {@value #STORE} (a full copy, so lookups never leave the instance).
 */
public final class MachineDirectory {

  /** The global store holding {@code plant.machines}, keyed by machine id. */
  public static final String STORE = "machines-store";

  private final KeyValueStore<String, MachineInfo> store;
  private final Map<String, MachineInfo> cache = new HashMap<>();

  /** A directory over the global store. */
  public MachineDirectory(KeyValueStore<String, MachineInfo> store) {
    this.store = store;
  }

  /**
   * The metadata of a machine, or null when it is not (yet) on {@code plant.machines}. Known
   * machines are cached until {@link #refresh()}: every event looks its machine up.
   */
  public MachineInfo get(String machineId) {
    MachineInfo cached = cache.get(machineId);
    if (cached != null) {
      return cached;
    }
    MachineInfo info = store.get(machineId);
    if (info != null) {
      cache.put(machineId, info);
    }
    return info;
  }

  /** Forgets cached metadata, so changes on {@code plant.machines} are seen from now on. */
  public void refresh() {
    cache.clear();
  }

  /** The ideal cycle time of a machine, or null when unknown. */
  public Long idealCycleMillis(String machineId) {
    MachineInfo info = get(machineId);
    return info == null ? null : info.getIdealCycleMillis();
  }

  /** Keeps the global store equal to the topic: a record replaces, a tombstone deletes. */
  public static final class Updater implements Processor<String, MachineInfo, Void, Void> {
    private KeyValueStore<String, MachineInfo> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, MachineInfo> record) {
      if (record.value() == null) {
        store.delete(record.key());
      } else {
        store.put(record.key(), record.value());
      }
    }
  }
}
