package io.plantstream.producer.sim;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The random draws of the simulator, built only on {@link SplittableRandom#nextLong()} and
 * {@link StrictMath}, so that a seed gives the same numbers on every JVM and platform.
 */
public final class SimRandom {

  private SimRandom() {}

  /** The root generator of one machine: depends on the run seed and the machine id only. */
  public static SplittableRandom forMachine(long seed, String machineId) {
    return forName(seed, machineId);
  }

  /** A generator that depends on the run seed and {@code name} only, e.g. {@code "faults"}. */
  public static SplittableRandom forName(long seed, String name) {
    return new SplittableRandom(mix(seed * 0x9E3779B97F4A7C15L ^ hash(name)));
  }

  /** A 64-bit FNV-1a hash of {@code text}'s UTF-8 bytes: stable across JVMs, unlike String.hashCode's spread. */
  public static long hash(String text) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    }
    return hash;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  public static double uniform(SplittableRandom random) {
    return (random.nextLong() >>> 11) * 0x1.0p-53;
  }

  /** A uniform long in [0, bound). */
  public static long below(SplittableRandom random, long bound) {
    return (long) (uniform(random) * bound);
  }

  /** An exponentially distributed value with the given mean. */
  public static double exponential(SplittableRandom random, double mean) {
    return -mean * StrictMath.log(1.0 - uniform(random));
  }

  /** A standard normal value (Box-Muller, one draw per call). */
  public static double gaussian(SplittableRandom random) {
    double u1 = 1.0 - uniform(random);
    double u2 = uniform(random);
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
  }

  /** A log-normal value with the given mean and shape {@code sigma}. */
  public static double logNormal(SplittableRandom random, double mean, double sigma) {
    double mu = StrictMath.log(mean) - sigma * sigma / 2;
    return StrictMath.exp(mu + sigma * gaussian(random));
  }

  /** A random (version 4) UUID drawn from {@code random}. */
  public static UUID uuid(SplittableRandom random) {
    long most = (random.nextLong() & ~0xF000L) | 0x4000L;
    long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(most, least);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
