package io.plantstream.app;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads instants: ISO-8601 with a zone or offset ({@code 2026-11-28T10:00:00Z}) or {@code now}. */
final class InstantConverter implements ITypeConverter<Instant> {

  @Override
  public Instant convert(String value) {
    String text = value.trim();
    if ("now".equalsIgnoreCase(text)) {
      return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notUtc) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw new TypeConversionException("'" + value
            + "' is not an instant (write e.g. 2026-11-28T10:00:00Z, 2026-11-28T03:00:00-07:00 or now)");
      }
    }
  }
}
