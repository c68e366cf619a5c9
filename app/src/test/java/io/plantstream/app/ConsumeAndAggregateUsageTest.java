package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The consume and aggregate options added for consumers are in their help (their bad values: {@link PlantCommandTest}). */
class ConsumeAndAggregateUsageTest {

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
