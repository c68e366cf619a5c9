package io.plantstream.producer.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a recording on a thread of its own, a few batches ahead of the replay: decompressing and
 * decoding cost about as much CPU as publishing, and on a thread of their own they no longer hold
 * back the thread that publishes. Entries come out in file order; damage found by the reader is
 * thrown by {@link #next()} in its place, after every entry before it.
 */
final class ReadAhead implements AutoCloseable {

  private static final int BATCH = 512;
  private static final int BATCHES_AHEAD = 16;
  private static final Object END = new Object();

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(BATCHES_AHEAD);
  private final Thread thread;
  private List<ReplayRecord> batch = List.of();
  private int index;
  private boolean ended;

  /** Starts reading {@code reader} ahead; the source belongs to this until {@link #close()}. */
  ReadAhead(ReplaySource reader) {
    this.thread = new Thread(() -> fill(reader), "recording-read-ahead");
    thread.setDaemon(true);
    thread.start();
  }

  /** The next entry, or null at the end of the recording; throws the reader's {@link RecordingException} in its place. */
  ReplayRecord next() throws InterruptedException {
    if (index < batch.size()) {
      return batch.get(index++);
    }
    if (ended) {
      return null;
    }
    Object item = queue.take();
    if (item == END) {
      ended = true;
      return null;
    }
    if (item instanceof RuntimeException failure) {
      ended = true;
      throw failure;
    }
    @SuppressWarnings("unchecked")
    List<ReplayRecord> entries = (List<ReplayRecord>) item;
    batch = entries;
    index = 0;
    return batch.get(index++);
  }

  private void fill(ReplaySource reader) {
    try {
      while (true) {
        List<ReplayRecord> entries = new ArrayList<>(BATCH);
        ReplayRecord entry = null;
        RuntimeException failure = null;
        try {
          while (entries.size() < BATCH && (entry = reader.next()) != null) {
            entries.add(entry);
          }
        } catch (RuntimeException e) {
          failure = e; // the entries before the damage still go out, then the damage
        }
        if (!entries.isEmpty()) {
          queue.put(entries);
        }
        if (failure != null) {
          queue.put(failure);
          return;
        }
        if (entry == null) {
          queue.put(END);
          return;
        }
      }
    } catch (InterruptedException closing) {
      Thread.currentThread().interrupt(); // closed before the end: stop reading
    }
  }

  /** Stops reading ahead and waits for the reading thread to finish. */
  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
