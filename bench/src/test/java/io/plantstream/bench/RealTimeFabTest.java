package io.plantstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.plantstream.producer.model.PlantModel;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RealTimeFabTest {

  private static final Instant T0 = Instant.parse("2026-12-03T10:00:20Z");

  @Test
  void valuesAreTheSamplesOfOneMetricWhateverTheirLabels() {
    String text = """
        # HELP plantstream_stream_time_seconds Stream time of each telemetry partition
        # TYPE plantstream_stream_time_seconds gauge
        plantstream_stream_time_seconds{partition="0",task="0_0"} 1.764756020123E9
        plantstream_stream_time_seconds{partition="1",task="0_1"} 1.764756019E9
        plantstream_stream_time_seconds_total 3
        plantstream_simulator_simulated_time_seconds 1.7647560215E9
        """;

    assertThat(RealTimeFab.values(text, "plantstream_stream_time_seconds")).containsExactly(
        entry("{partition=\"0\",task=\"0_0\"}", 1.764756020123E9), entry("{partition=\"1\",task=\"0_1\"}", 1.764756019E9));
    assertThat(RealTimeFab.values(text, "plantstream_simulator_simulated_time_seconds"))
        .containsExactly(entry("", 1.7647560215E9));
    assertThat(RealTimeFab.values(text, "plantstream_missing")).isEmpty();
  }

  @Test
  void labelIsOneValueOfALabelSet() {
    String labels = "{task=\"0_1\",topic=\"fab.kpi.site.1m\"}";

    assertThat(RealTimeFab.label(labels, "topic")).isEqualTo("fab.kpi.site.1m");
    assertThat(RealTimeFab.label(labels, "task")).isEqualTo("0_1");
    assertThat(RealTimeFab.label(labels, "sk")).isEmpty();
  }

  @Test
  void windowsMustCloseWhenTheyEndAGraceBeforeTheLastEvent() {
    PlantModel model = PlantModel.loadDefault();

    // Windows end at 10:01, 10:02, 10:03; the one ending 10:03 closes only with events past 10:03:30.
    assertThat(RealTimeFab.expectedWindows(model, T0, Instant.parse("2026-12-03T10:03:31Z")))
        .hasSize(3 * model.siteIds().size())
        .startsWith("tsmc-phx@" + Instant.parse("2026-12-03T10:00:00Z").toEpochMilli())
        .endsWith("wistron-dal@" + Instant.parse("2026-12-03T10:02:00Z").toEpochMilli());
    assertThat(RealTimeFab.expectedWindows(model, T0, Instant.parse("2026-12-03T10:03:30Z")))
        .hasSize(2 * model.siteIds().size());
    assertThat(RealTimeFab.expectedWindows(model, T0, Instant.parse("2026-12-03T10:01:00Z"))).isEmpty();
  }
}
