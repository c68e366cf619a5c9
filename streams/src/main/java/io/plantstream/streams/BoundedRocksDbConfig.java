package io.plantstream.streams;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * One bounded pool of off-heap memory for every RocksDB store of the instance. Kafka Streams opens
 * one RocksDB per store and partition, each with its own 50 MB block cache and three 16 MB
 * memtables by default, so off-heap memory would grow with the partitions an instance holds; here
 * they share {@value #BLOCK_CACHE_BYTES} bytes of cache, memtables included.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {

  /** Off-heap memory shared by the block caches and memtables of all RocksDB stores. */
  static final long BLOCK_CACHE_BYTES = 96L * 1024 * 1024;
  /** The part of it that memtables may take. */
  static final long MEMTABLE_BYTES = 32L * 1024 * 1024;

  /** Shared by every store of the JVM, created when the first store opens; closed with the JVM, never by a store. */
  private static final class Shared {
    static {
      RocksDB.loadLibrary();
    }

    static final Cache CACHE = new LRUCache(BLOCK_CACHE_BYTES, -1, false, 0.1);
    static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(MEMTABLE_BYTES, CACHE);
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(Shared.CACHE);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(Shared.WRITE_BUFFERS);
    options.setMaxWriteBufferNumber(2);
    options.setWriteBufferSize(8L * 1024 * 1024);
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and the write-buffer manager are shared: closing them here would break the other stores.
  }
}
