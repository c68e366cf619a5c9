package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Usage errors of the consume and aggregate options added for consumers, found before any broker is asked. */
class ConsumeAndAggregateUsageTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "aggregate --http-port 70000                       | --http-port must be between 0 and 65535",
      "aggregate --http-port -1                          | --http-port must be between 0 and 65535",
      "aggregate --http-port web                         | Invalid value for option '--http-port'",
      "consume plant.kpi.site.1m --latest --follow       | --latest reads up to the end offsets",
      "consume plant.telemetry --latest                  | plant.telemetry is not one",
      "consume plant.telemetry.dlq --latest              | plant.telemetry.dlq is not one",
      "consume plant.kpi.site.1m --max 0                 | --max must be at least 1"})
  void badUsageIsExitCodeTwoAndOneLine(String args, String message) {
    CliRun run = CliRun.plant(args.trim().split("\\s+"));

    assertThat(run.exitCode()).isEqualTo(PlantCommand.USAGE);
    assertThat(run.errLines()).singleElement().asString().contains(message).doesNotContain("Exception");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "aggregate | --http-port",
      "aggregate | --http-host",
      "consume   | --latest"})
  void helpDescribesTheOptions(String command, String option) {
    CliRun run = CliRun.plant(command, "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains(option);
  }
}
