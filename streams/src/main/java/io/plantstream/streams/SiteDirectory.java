package io.plantstream.streams;

import io.plantstream.avro.SiteInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sites of {@code plant.sites} and their calendars, kept by every instance in the global store
 * {@value #STORE}. A site missing there, or whose calendar cannot be read, has days in UTC and no
 * shifts (docs/kpi-rules.md).
 */
public final class SiteDirectory {

  /** The global store holding {@code plant.sites}, keyed by site id. */
  public static final String STORE = "sites-store";

  private static final Logger log = LoggerFactory.getLogger(SiteDirectory.class);

  private final KeyValueStore<String, SiteInfo> store;
  /** Calendars by site, until {@link #refresh()}. */
  private final Map<String, SiteCalendar> calendars = new HashMap<>();
  /** Sites already warned about, so that a missing site is logged once, not at every refresh. */
  private final Set<String> warned = new HashSet<>();

  /** A directory over the global store. */
  public SiteDirectory(KeyValueStore<String, SiteInfo> store) {
    this.store = store;
  }

  /** The calendar of {@code siteId}, cached until {@link #refresh()}. */
  public SiteCalendar calendar(String siteId) {
    SiteCalendar cached = calendars.get(siteId);
    if (cached != null) {
      return cached;
    }
    SiteInfo info = store.get(siteId);
    SiteCalendar calendar = SiteCalendar.utc();
    if (info == null) {
      if (warned.add(siteId)) {
        log.warn("site {} is not on plant.sites: its days are counted in UTC, without shifts", siteId);
      }
    } else {
      try {
        calendar = SiteCalendar.of(info);
      } catch (IllegalArgumentException e) {
        if (warned.add(siteId)) {
          log.warn("{}: its days are counted in UTC, without shifts", e.getMessage());
        }
      }
    }
    calendars.put(siteId, calendar);
    return calendar;
  }

  /**
   * The first end of a day or shift window of any site after {@code at}: of every site on
   * {@code plant.sites}, and of a site missing there (a UTC day).
   */
  public long nextEndAfter(long at) {
    long next = SiteCalendar.utc().nextEndAfter(at);
    try (KeyValueIterator<String, SiteInfo> all = store.all()) {
      while (all.hasNext()) {
        next = Math.min(next, calendar(all.next().key).nextEndAfter(at));
      }
    }
    return next;
  }

  /** Forgets cached calendars, so changes on {@code plant.sites} are seen from now on. */
  public void refresh() {
    calendars.clear();
  }

  /** Keeps the global store equal to the topic: a record replaces, a tombstone deletes. */
  public static final class Updater implements Processor<String, SiteInfo, Void, Void> {
    private KeyValueStore<String, SiteInfo> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, SiteInfo> record) {
      if (record.value() == null) {
        store.delete(record.key());
      } else {
        store.put(record.key(), record.value());
      }
    }
  }
}
