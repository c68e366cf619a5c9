package io.plantstream.streams;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.internal.MachineTimeline;
import io.plantstream.avro.internal.WindowAccumulator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The arithmetic of one machine's E10 timeline: which state each millisecond is in, cut into
 * 1-minute windows and summed into 1-hour ones (docs/kpi-rules.md).
 *
 * <p>From its first event on, a machine is in the state of its latest state change or heartbeat;
 * time more than staleAfter after its latest event is UNKNOWN, time more than forgetAfter after it
 * is not counted, and a forgotten machine that speaks again starts over in UNKNOWN. Each span of time
 * is also attributed to the reason its state was entered with, and each entry into UNSCHEDULED_DOWN
 * from another known state counts as a failure in the minute of its event (docs/kpi-rules.md,
 * "Losses by reason"). Events must be applied in (event time, offset) order; {@link #close} ends
 * every window a close boundary passes.
 */
final class MachineTimelines {

  private final long staleAfter;
  private final long forgetAfter;

  MachineTimelines(KpiConfig config) {
    this.staleAfter = config.staleAfter().toMillis();
    this.forgetAfter = config.forgetAfter().toMillis();
  }

  /** The timeline of a machine whose first applied event is stamped {@code firstTime}: UNKNOWN until then. */
  static MachineTimeline start(String machineId, String siteId, String lineId, long firstTime) {
    return MachineTimeline.newBuilder()
        .setMachineId(machineId)
        .setSiteId(siteId)
        .setLineId(lineId)
        .setState(null)
        .setReason(null)
        .setAccountedUntil(firstTime)
        .setLastEventTime(firstTime)
        .setMinutes(new ArrayList<>())
        .setHours(new ArrayList<>())
        .build();
  }

  /** A stored timeline with window lists that can be changed in place. */
  static MachineTimeline mutable(MachineTimeline stored) {
    stored.setMinutes(new ArrayList<>(stored.getMinutes()));
    stored.setHours(new ArrayList<>(stored.getHours()));
    return stored;
  }

  /** A deep copy, for provisional results that must not touch the real timeline. */
  static MachineTimeline copy(MachineTimeline timeline) {
    return mutable(MachineTimeline.newBuilder(timeline).build());
  }

  /**
   * Applies one event: the time up to it is attributed, then the machine is alive at its time and,
   * for a state change or heartbeat, in {@code state}; a unit completion counts in its minute.
   * {@code code} is a state change's reason or a failed unit's defect code, null for none.
   */
  void apply(MachineTimeline timeline, long time, PendingEvents.Kind kind, EquipmentState state, String code) {
    account(timeline, time);
    if (time >= forgetAt(timeline)) {
      // A forgotten machine that speaks again: its old state is no longer known.
      timeline.setState(null);
      timeline.setReason(null);
    }
    timeline.setLastEventTime(Math.max(timeline.getLastEventTime(), time));
    switch (kind) {
      case STATE, HEARTBEAT -> {
        EquipmentState known = timeline.getState();
        if (state == EquipmentState.UNSCHEDULED_DOWN && known != null && known != EquipmentState.UNSCHEDULED_DOWN) {
          WindowAccumulator minute = window(timeline.getMinutes(), time, KpiConfig.MINUTE);
          minute.setFailures(minute.getFailures() + 1);
        }
        if (kind == PendingEvents.Kind.STATE) {
          timeline.setReason(code);
        } else if (state != known) {
          timeline.setReason(null); // a heartbeat that changes the state says nothing of why
        }
        timeline.setState(state);
      }
      case UNIT_PASS, UNIT_FAIL -> {
        WindowAccumulator minute = window(timeline.getMinutes(), time, KpiConfig.MINUTE);
        minute.setUnitsTotal(minute.getUnitsTotal() + 1);
        if (kind == PendingEvents.Kind.UNIT_PASS) {
          minute.setUnitsGood(minute.getUnitsGood() + 1);
        } else {
          KpiMath.addCount(minute.getDefectUnits(), KpiMath.codeOrUnspecified(code), 1);
        }
      }
      case SENSOR -> {
        // alive, nothing else
      }
    }
  }

  /** Attributes the time from the timeline's last accounted instant to {@code until}. */
  void account(MachineTimeline timeline, long until) {
    long from = timeline.getAccountedUntil();
    if (until <= from) {
      return;
    }
    long staleAt = timeline.getLastEventTime() + staleAfter;
    long forgetAt = forgetAt(timeline);
    addSpan(timeline, from, Math.min(until, staleAt), timeline.getState(), timeline.getReason());
    addSpan(timeline, Math.max(from, staleAt), Math.min(until, forgetAt), null, null);
    timeline.setAccountedUntil(until);
  }

  /**
   * Accounts up to {@code boundary} and takes out every window ending at or before it, in order:
   * each closed minute, added to its hour, then each closed hour.
   */
  List<WindowAccumulator> close(MachineTimeline timeline, long boundary) {
    account(timeline, boundary);
    List<WindowAccumulator> closed = new ArrayList<>();
    for (Iterator<WindowAccumulator> it = timeline.getMinutes().iterator(); it.hasNext(); ) {
      WindowAccumulator minute = it.next();
      if (minute.getEnd() > boundary) {
        break;
      }
      closed.add(minute);
      WindowAccumulator hour = window(timeline.getHours(), minute.getStart(), KpiConfig.HOUR);
      KpiMath.addWindow(hour, minute);
      it.remove();
    }
    for (Iterator<WindowAccumulator> it = timeline.getHours().iterator(); it.hasNext(); ) {
      WindowAccumulator hour = it.next();
      if (hour.getEnd() > boundary) {
        break;
      }
      closed.add(hour);
      it.remove();
    }
    return closed;
  }

  /** True once the machine is forgotten and has no open window left: its timeline can go. */
  boolean isDone(MachineTimeline timeline) {
    return timeline.getAccountedUntil() >= forgetAt(timeline) && timeline.getMinutes().isEmpty()
        && timeline.getHours().isEmpty();
  }

  private long forgetAt(MachineTimeline timeline) {
    return timeline.getLastEventTime() + forgetAfter;
  }

  private static void addSpan(MachineTimeline timeline, long from, long to, EquipmentState state, String reason) {
    if (from >= to) {
      return;
    }
    String stateReason = KpiMath.stateReason(state, reason);
    long at = from;
    while (at < to) {
      WindowAccumulator minute = window(timeline.getMinutes(), at, KpiConfig.MINUTE);
      long pieceEnd = Math.min(to, minute.getEnd());
      KpiMath.add(minute.getStateMillis(), state, pieceEnd - at);
      KpiMath.addCount(minute.getStateReasonMillis(), stateReason, pieceEnd - at);
      at = pieceEnd;
    }
  }

  /** The open window of {@code size} containing {@code at}, created if absent; the list stays sorted. */
  private static WindowAccumulator window(List<WindowAccumulator> windows, long at, long size) {
    long start = Math.floorDiv(at, size) * size;
    int index = windows.size();
    // Time only moves forward on a timeline: the window is almost always the last one.
    while (index > 0 && windows.get(index - 1).getStart() > start) {
      index--;
    }
    if (index > 0 && windows.get(index - 1).getStart() == start) {
      return windows.get(index - 1);
    }
    WindowAccumulator created = KpiMath.emptyWindow(start, start + size);
    windows.add(index, created);
    return created;
  }
}
