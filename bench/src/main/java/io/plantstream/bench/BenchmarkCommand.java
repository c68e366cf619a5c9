package io.plantstream.bench;

import io.plantstream.producer.model.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * Runs the picocli command of a benchmark's {@code main}. Exit codes: 0 success (the JVM then ends
 * as when {@code main} returns), 1 failure (picocli prints the stack trace), 2 bad usage (an unknown
 * option, a missing or malformed value: one line on stderr).
 */
final class BenchmarkCommand {

  /** Exit code of bad usage. */
  static final int USAGE = 2;

  private BenchmarkCommand() {}

  /** The configured command line of {@code command}, an object annotated with {@code @Command}. */
  static CommandLine commandLine(Object command) {
    CommandLine cli = new CommandLine(command);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(BenchmarkCommand::usageError);
    return cli;
  }

  /** Runs {@code command} with {@code args}; exits with its code unless it succeeded. */
  static void run(Object command, String[] args) {
    int code = commandLine(command).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** {@code <command>: <message> (see '<command> --help')} on stderr. */
  private static int usageError(ParameterException error, String[] args) {
    CommandLine line = error.getCommandLine();
    PrintWriter err = line.getErr();
    String name = line.getCommandName();
    err.println(name + ": " + error.getMessage() + " (see '" + name + " --help')");
    err.flush();
    return USAGE;
  }

  /** Reads durations as the plant model writes them: {@code 90s}, {@code 10m}, {@code 1h30m}, {@code PT90S}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
