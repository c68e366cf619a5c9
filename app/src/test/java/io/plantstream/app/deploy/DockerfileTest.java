package io.plantstream.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.app.PlantCommand;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The {@code Dockerfile} against the build: pinned base images, a dependency layer made of every
 * module's pom.xml, the sources of every module the app needs, a non-root runtime user, and only
 * environment variables the application reads.
 */
class DockerfileTest {

  private static final String DOCKERFILE = RepositoryFiles.text("Dockerfile");

  @Test
  void buildsOnAJdkAndRunsOnAJreBothPinned() {
    List<String> from = lines("FROM ");

    assertThat(from).hasSize(2);
    assertThat(from.get(0)).matches("FROM eclipse-temurin:17\\.0\\.\\d+_\\d+-jdk[a-z0-9-]* AS build");
    assertThat(from.get(1)).matches("FROM eclipse-temurin:17\\.0\\.\\d+_\\d+-jre[a-z0-9-]*");
    assertThat(DOCKERFILE).contains("RUN ./mvnw -B -q dependency:go-offline")
        .contains("COPY --from=build /src/app/target/plantstream.jar /app/plantstream.jar");
  }

  @Test
  void runsThePlantCommandLineAsANonRootUser() {
    assertThat(lines("USER ")).containsExactly("USER plant");
    assertThat(lines("ENTRYPOINT ")).containsExactly("ENTRYPOINT [\"plant\"]");
    assertThat(DOCKERFILE).contains("-jar /app/plantstream.jar \"$@\"").contains("> /usr/local/bin/plant");
    assertThat(DOCKERFILE).contains("useradd --system --uid 10001");
  }

  /** A module added to the build must be added to the dependency layer, or the image build fails. */
  @Test
  void theDependencyLayerHasEveryModulePomAndTheSourcesOfEveryModuleTheAppNeeds() {
    for (String module : modules(RepositoryFiles.text("pom.xml"))) {
      assertThat(DOCKERFILE).as("Dockerfile copies %s/pom.xml before go-offline", module)
          .contains("COPY " + module + "/pom.xml " + module + "/");
    }
    for (String module : modulesTheAppNeeds()) {
      assertThat(DOCKERFILE).as("Dockerfile copies the sources of %s, which the app needs", module)
          .contains("COPY " + module + "/src/ " + module + "/src/");
    }
    assertThat(DOCKERFILE.indexOf("dependency:go-offline")).isLessThan(DOCKERFILE.indexOf("/src/ "));
  }

  @Test
  void everyPlantVariableItSetsIsReadByTheApplication() {
    Set<String> read = new LinkedHashSet<>(RepositoryFiles.loggingVariables());
    read.addAll(optionVariables(PlantCommand.commandLine()));
    Matcher set = Pattern.compile("(PLANT_[A-Z0-9_]+)=").matcher(DOCKERFILE);

    assertThat(set.find()).as("the Dockerfile sets PLANT_LOG_DIR").isTrue();
    do {
      assertThat(read).as("PLANT variable set in the Dockerfile").contains(set.group(1));
    } while (set.find());
  }

  @Test
  void theBuildContextLeavesOutBuildOutputAndGitHistory() {
    assertThat(RepositoryFiles.text(".dockerignore").lines().map(String::trim).toList())
        .contains(".git", "**/target", "**/logs");
  }

  private static List<String> lines(String prefix) {
    return DOCKERFILE.lines().filter(line -> line.startsWith(prefix)).toList();
  }

  private static List<String> modules(String pom) {
    Matcher matcher = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
    List<String> modules = new java.util.ArrayList<>();
    while (matcher.find()) {
      modules.add(matcher.group(1).trim());
    }
    return modules;
  }

  /** app and every module it depends on, directly or not, by artifact id plantstream-&lt;module&gt;. */
  private static Set<String> modulesTheAppNeeds() {
    Set<String> needed = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of("app"));
    Pattern dependency = Pattern.compile("<artifactId>plantstream-([a-z-]+)</artifactId>");
    while (!todo.isEmpty()) {
      String module = todo.pop();
      if (!needed.add(module)) {
        continue;
      }
      String pom = RepositoryFiles.text(module + "/pom.xml");
      String dependencies = pom.substring(Math.max(0, pom.indexOf("<dependencies>")));
      Matcher matcher = dependency.matcher(dependencies);
      while (matcher.find()) {
        todo.push(matcher.group(1));
      }
    }
    return needed;
  }

  private static Set<String> optionVariables(CommandLine line) {
    Set<String> names = new LinkedHashSet<>();
    for (OptionSpec option : line.getCommandSpec().options()) {
      Matcher matcher = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)").matcher(
          String.valueOf(option.defaultValueString(false)));
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
    }
    line.getSubcommands().values().forEach(sub -> names.addAll(optionVariables(sub)));
    return names;
  }
}
