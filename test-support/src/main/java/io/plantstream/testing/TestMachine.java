package io.plantstream.testing;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.SensorReading;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.avro.UnitOutcome;
import java.time.Duration;
import java.time.Instant;

/**
 * Builds the events of one test machine with consecutive sequence numbers and predictable event
 * ids ({@code <machine>#<sequence>}), at explicit instants:
 *
 * <pre>
 * TestMachine litho = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-01");
 * litho.state(PRODUCTIVE, at(T0, "30s"));
 * litho.unit(PASS, at(T0, "1m10s"));
 * </pre>
 */
public final class TestMachine {

  /** A round instant to build test timelines on: 2026-11-28T10:00:00Z. */
  public static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  private final String siteId;
  private final String lineId;
  private final String machineId;
  private long sequence;

  private TestMachine(String siteId, String lineId, String machineId) {
    this.siteId = siteId;
    this.lineId = lineId;
    this.machineId = machineId;
  }

  /** A machine of {@code siteId} on {@code lineId}. */
  public static TestMachine of(String siteId, String lineId, String machineId) {
    return new TestMachine(siteId, lineId, machineId);
  }

  /** {@code base} plus an ISO-8601-like offset without the {@code PT}, e.g. {@code "1m30s"}. */
  public static Instant at(Instant base, String offset) {
    return base.plus(Duration.parse("PT" + offset.toUpperCase()));
  }

  /** The machine id. */
  public String id() {
    return machineId;
  }

  /** The site id. */
  public String siteId() {
    return siteId;
  }

  /** Its metadata as published to {@code plant.machines}. */
  public MachineInfo info(String kind, Duration idealCycle) {
    return new MachineInfo(machineId, siteId, lineId, kind, "unit", idealCycle.toMillis());
  }

  /** A state change to {@code state} at {@code at}. */
  public TelemetryEvent state(EquipmentState state, Instant at) {
    return event(at, new StateChange(state, null));
  }

  /** A state change to {@code state} for {@code reason} at {@code at}. */
  public TelemetryEvent state(EquipmentState state, String reason, Instant at) {
    return event(at, new StateChange(state, reason));
  }

  /** A heartbeat reporting {@code state} at {@code at}. */
  public TelemetryEvent heartbeat(EquipmentState state, Instant at) {
    return event(at, new Heartbeat(state));
  }

  /** A unit completion with {@code outcome} at {@code at}. */
  public TelemetryEvent unit(UnitOutcome outcome, Instant at) {
    return event(at, new UnitCompleted(machineId + "-u" + sequence, outcome,
        outcome == UnitOutcome.FAIL ? "D01" : null));
  }

  /** A sensor reading at {@code at}. */
  public TelemetryEvent sensor(String sensor, double value, Instant at) {
    return event(at, new SensorReading(sensor, value, "kW"));
  }

  private TelemetryEvent event(Instant at, Object payload) {
    long seq = sequence++;
    return new TelemetryEvent(machineId + "#" + seq, siteId, lineId, machineId, at, seq, payload);
  }
}
