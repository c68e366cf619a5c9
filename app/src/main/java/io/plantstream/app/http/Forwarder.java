package io.plantstream.app.http;

import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;

/** Asks another instance of the application for the part of an answer that it holds. */
@FunctionalInterface
public interface Forwarder {

  /**
   * The JSON array another instance answers to {@code GET path?query}, as plain values; an
   * {@link ApiException} (502, or the instance's own 503) when it does not answer with one.
   */
  List<Object> get(HostInfo instance, String path, Map<String, String> query);
}
