package io.plantstream.app;

import io.plantstream.producer.Speed;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code --speed}: a positive factor (simulated seconds per second) or {@code max}. */
final class SpeedConverter implements ITypeConverter<Speed> {

  @Override
  public Speed convert(String value) {
    try {
      return Speed.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
