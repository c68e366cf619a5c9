package io.plantstream.streams;

/**
 * An event on its way to the dead-letter queue as the bytes it arrived as; the record carrying it
 * has the headers saying why ({@link DeadLetters}).
 *
 * @param value the bytes received on the telemetry topic
 */
record DeadLetter(byte[] value) {}
