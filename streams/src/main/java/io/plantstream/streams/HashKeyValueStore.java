package io.plantstream.streams;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * An in-memory key-value store on a hash map, for a store that is written and deleted by key at a
 * high rate and read whole only when its task starts: puts and deletes cost a hash lookup instead
 * of Kafka Streams' sorted in-memory store's tree walk over byte comparisons (a fifth of the KPI
 * application's processing time at fab scale went there, BENCHMARKS.md). Changelogging, restoring
 * and the exactly-once wiping of in-memory state on a task's failure are Kafka Streams' own, as for
 * any store plugged in through {@link KeyValueBytesStoreSupplier}.
 *
 * <p>Not ordered: {@link #range} and {@link #prefixScan} are not supported, and {@link #all} walks a
 * snapshot in no particular order.
 */
final class HashKeyValueStore implements KeyValueStore<Bytes, byte[]> {

  private final String name;
  private final Map<Bytes, byte[]> map = new HashMap<>();
  private volatile boolean open;

  private HashKeyValueStore(String name) {
    this.name = name;
  }

  /** A supplier of stores named {@code name}, for {@code Stores.keyValueStoreBuilder}. */
  static KeyValueBytesStoreSupplier supplier(String name) {
    return new KeyValueBytesStoreSupplier() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public KeyValueStore<Bytes, byte[]> get() {
        return new HashKeyValueStore(name);
      }

      @Override
      public String metricsScope() {
        return "in-memory-hash";
      }
    };
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    context.register(root, (key, value) -> {
      if (value == null) {
        map.remove(Bytes.wrap(key));
      } else {
        map.put(Bytes.wrap(key), value);
      }
    });
    open = true;
  }

  @Override
  public void put(Bytes key, byte[] value) {
    if (value == null) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }

  @Override
  public byte[] putIfAbsent(Bytes key, byte[] value) {
    byte[] present = map.get(key);
    if (present == null) {
      put(key, value);
    }
    return present;
  }

  @Override
  public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
    entries.forEach(entry -> put(entry.key, entry.value));
  }

  @Override
  public byte[] delete(Bytes key) {
    return map.remove(key);
  }

  @Override
  public byte[] get(Bytes key) {
    return map.get(key);
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
    throw new UnsupportedOperationException("store " + name + " is not ordered: no range reads");
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> all() {
    List<KeyValue<Bytes, byte[]>> snapshot = new ArrayList<>(map.size());
    map.forEach((key, value) -> snapshot.add(KeyValue.pair(key, value)));
    return new SnapshotIterator(snapshot.iterator());
  }

  @Override
  public long approximateNumEntries() {
    return map.size();
  }

  @Override
  public void flush() {
    // Nothing buffered: every write is in the map, and the changelog is written by the store's wrapper.
  }

  @Override
  public void close() {
    map.clear();
    open = false;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
    return QueryResult.forUnknownQueryType(query, this);
  }

  @Override
  public Position getPosition() {
    return Position.emptyPosition();
  }

  /** Walks a snapshot of the entries. */
  private static final class SnapshotIterator implements KeyValueIterator<Bytes, byte[]> {
    private final Iterator<KeyValue<Bytes, byte[]>> entries;
    private KeyValue<Bytes, byte[]> next;

    SnapshotIterator(Iterator<KeyValue<Bytes, byte[]>> entries) {
      this.entries = entries;
      this.next = entries.hasNext() ? entries.next() : null;
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public KeyValue<Bytes, byte[]> next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      KeyValue<Bytes, byte[]> current = next;
      next = entries.hasNext() ? entries.next() : null;
      return current;
    }

    @Override
    public Bytes peekNextKey() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      return next.key;
    }

    @Override
    public void close() {
      // A snapshot holds no resources.
    }
  }
}
