package io.plantstream.schemas;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic name together with the serdes of its keys and values, so that no producer, consumer or
 * topology can pair a topic with the wrong format.
 *
 * @param name the full topic name, prefix included
 * @param keySerde serde of the record keys
 * @param valueSerde serde of the record values
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

  @Override
  public String toString() {
    return name;
  }
}
