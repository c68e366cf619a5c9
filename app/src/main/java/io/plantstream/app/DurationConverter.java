package io.plantstream.app;

import io.plantstream.producer.model.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations as the plant model writes them: {@code 90s}, {@code 5m}, {@code 1h30m}, {@code 500ms}, {@code PT90S}. */
public final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "' is not a duration: " + e.getMessage());
    }
  }
}
