package io.plantstream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Every released version of a record's schema, as kept under
 * {@code io/plantstream/schemas/released/<Record>.v<N>.avsc} in this module.
 *
 * <p>Readers register all of them so that data written by any release (old recordings, producers
 * not yet upgraded) decodes into the current classes. Releasing a schema change means adding the
 * next {@code v<N>} file; {@code SchemaEvolutionTest} fails until the newest file equals the
 * schema the classes are generated from.
 */
public final class SchemaHistory {

  private static final String RELEASED = "/io/plantstream/schemas/released/";

  private SchemaHistory() {}

  /** The released versions of the named record, oldest first (v1, v2, ...). */
  public static List<Schema> released(String recordName) {
    List<Schema> versions = new ArrayList<>();
    for (int version = 1; ; version++) {
      String resource = RELEASED + recordName + ".v" + version + ".avsc";
      try (InputStream in = SchemaHistory.class.getResourceAsStream(resource)) {
        if (in == null) {
          return List.copyOf(versions);
        }
        versions.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read released schema " + resource, e);
      }
    }
  }
}
