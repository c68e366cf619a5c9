package io.plantstream.producer.replay;

import org.apache.avro.file.CodecFactory;

/** How a recording's blocks are compressed; both are standard Avro codecs. */
public enum Compression {
  /** Deflate: every Avro implementation must read it. The default. */
  DEFLATE(CodecFactory.deflateCodec(6)),
  /** Zstandard: smaller and faster, but optional in some Avro implementations. */
  ZSTD(CodecFactory.zstandardCodec(3));

  private final CodecFactory codec;

  Compression(CodecFactory codec) {
    this.codec = codec;
  }

  /** The Avro codec. */
  CodecFactory codec() {
    return codec;
  }
}
