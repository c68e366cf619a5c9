package io.plantstream.app;

import java.io.PrintWriter;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * {@code plant}: the command line of plantstream (docs/command-line.md). Exit codes: 0 success, 1 failure, 2
 * bad usage; errors are one line on stderr, with the stack trace only under {@code --verbose}.
 */
@Command(
    name = "plant",
    mixinStandardHelpOptions = true,
    versionProvider = PlantCommand.Version.class,
    description = "Telemetry pipeline for the US plants that build AI supercomputers: "
        + "simulated sensors -> Avro on Kafka -> Kafka Streams KPIs (yield, output, uptime, OEE).",
    subcommands = {
      DemoCommand.class,
      BrokerCommand.class,
      RegistryCommand.class,
      TopicsCommand.class,
      SimulateCommand.class,
      AggregateCommand.class,
      ConsumeCommand.class,
      RecordCommand.class,
      ReplayCommand.class,
      CommandLine.HelpCommand.class
    })
public final class PlantCommand implements Runnable {

  /** Exit code of a failure at run time (unreachable broker, missing topic, ...). */
  public static final int FAILURE = 1;
  /** Exit code of bad usage (unknown or malformed option, unreadable option file). */
  public static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command: try 'plant demo' or 'plant --help'");
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code; for tests and embedding. */
  public static int execute(String... args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    return commandLine().execute(args);
  }

  /** The configured picocli command line. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new PlantCommand());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(PlantCommand::usageError);
    cli.setExecutionExceptionHandler((error, line, parsed) -> failure(error, line));
    return cli;
  }

  private static int usageError(ParameterException error, String[] args) {
    CommandLine line = error.getCommandLine();
    PrintWriter err = line.getErr();
    err.println(usageLine(line, error.getMessage()));
    err.flush();
    return USAGE;
  }

  /** {@code plant <command>: <message> (see 'plant <command> --help')}, or without a command for plant itself. */
  private static String usageLine(CommandLine line, String message) {
    String command = commandName(line);
    String plant = command.isEmpty() ? "plant" : "plant " + command;
    return plant + ": " + message + " (see '" + plant + " --help')";
  }

  private static int failure(Exception error, CommandLine line) {
    PrintWriter err = line.getErr();
    if (error instanceof UsageException usage) {
      err.println(usageLine(line, usage.getMessage()));
      err.flush();
      return USAGE;
    }
    CommonOptions client = line.getMixins().values().stream()
        .filter(CommonOptions.class::isInstance).map(CommonOptions.class::cast).findFirst().orElse(null);
    String command = commandName(line);
    err.println((command.isEmpty() ? "plant" : "plant " + command) + ": "
        + (client == null ? Errors.oneLine(error) : Errors.oneLine(error, client)));
    if (CommonOptions.verbose) {
      error.printStackTrace(err);
    }
    err.flush();
    return FAILURE;
  }

  private static String commandName(CommandLine line) {
    String name = line.getCommandName();
    return "plant".equals(name) ? "" : name;
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = PlantCommand.class.getPackage().getImplementationVersion();
      return new String[] {"plantstream " + (version == null ? "development build" : version)};
    }
  }
}
