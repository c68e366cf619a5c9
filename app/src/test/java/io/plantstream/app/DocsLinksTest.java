package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link of the documentation resolves: README.md, RELIABILITY.md, BENCHMARKS.md and
 * docs/*.md. For each Markdown link or image {@code [text](target)} that is not http(s) or mailto,
 * the file must exist relative to the page, and an {@code #anchor} must name a heading of the target
 * page by GitHub's rules (see {@link #slug}). The test lists every broken link at once.
 */
class DocsLinksTest {

  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
  private static final Pattern INLINE_CODE = Pattern.compile("`+[^`]*`+");

  @Test
  void everyRelativeLinkAndAnchorOfTheDocsResolves() {
    Path root = root();
    List<String> broken = brokenLinks(root, pages(root));
    assertThat(broken).as("broken links:%n  %s", String.join("\n  ", broken)).isEmpty();
  }

  @Test
  void readmeLinksEveryPageOfDocsAndKeepsTheTwoCommandsOfAFreshClone() throws IOException {
    Path root = root();
    String readme = Files.readString(root.resolve("README.md"));
    List<String> missing = new ArrayList<>();
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(page -> page.toString().endsWith(".md")).sorted()
          .map(page -> "docs/" + page.getFileName())
          .filter(page -> !readme.contains("](" + page + ")") && !readme.contains("](" + page + "#"))
          .forEach(missing::add);
    }
    assertThat(missing).as("docs pages README does not link").isEmpty();
    assertThat(readme).contains("\n./plant demo ").contains("\n./mvnw verify ");
  }

  @Test
  void slugsFollowGitHub() {
    assertThat(slug("Registry mode: the Confluent wire format and a schema registry"))
        .isEqualTo("registry-mode-the-confluent-wire-format-and-a-schema-registry");
    assertThat(slug("Security: SASL_SSL, SCRAM and ACLs")).isEqualTo("security-sasl_ssl-scram-and-acls");
    assertThat(slug("State, restarts and crashes")).isEqualTo("state-restarts-and-crashes");
    assertThat(slug("`plant replay` and `--loop`")).isEqualTo("plant-replay-and---loop");
    assertThat(anchors("# A\n## B\n```sh\n# not a heading\n```\n## B\n### B\n"))
        .containsExactly("a", "b", "b-1", "b-2");
  }

  /** The checker itself: a missing file, a missing anchor and a heading only in code are reported. */
  @Test
  void brokenLinksAreAllReported(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("docs"));
    Files.writeString(dir.resolve("README.md"), """
        # Title
        [ok](docs/page.md#real-one) [ok](#title) [web](https://example.com/x#y) ![img](docs/missing.png)
        [gone](docs/nothing.md) [bad anchor](docs/page.md#in-code)
        """);
    Files.writeString(dir.resolve("docs/page.md"), """
        # Page
        ## Real one
        ```sh
        # in code
        ```
        [up](../README.md#title) [self](#nowhere) `[not a link](nowhere.md)`
        """);
    assertThat(brokenLinks(dir, List.of(dir.resolve("README.md"), dir.resolve("docs/page.md"))))
        .containsExactly("README.md: docs/missing.png (no such file)", "README.md: docs/nothing.md (no such file)",
            "README.md: docs/page.md#in-code (no heading in-code in docs/page.md)",
            "docs/page.md: #nowhere (no heading nowhere in docs/page.md)");
  }

  /** Each broken link as "page: target (why)", in page order. */
  static List<String> brokenLinks(Path root, List<Path> pages) {
    List<String> broken = new ArrayList<>();
    Map<Path, Set<String>> anchorsOf = new HashMap<>();
    for (Path page : pages) {
      String name = root.relativize(page).toString().replace('\\', '/');
      for (String target : links(read(page))) {
        if (target.matches("(?i)(https?|mailto):.*")) {
          continue;
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(name + ": " + target + " (no such file)");
          continue;
        }
        if (hash >= 0) {
          String anchor = target.substring(hash + 1);
          Set<String> anchors = anchorsOf.computeIfAbsent(resolved, path -> anchors(read(path)));
          if (!anchors.contains(anchor)) {
            broken.add(name + ": " + target + " (no heading " + anchor + " in "
                + root.relativize(resolved).toString().replace('\\', '/') + ")");
          }
        }
      }
    }
    return broken;
  }

  /** The link targets of a page, outside fenced code blocks and inline code. */
  static List<String> links(String markdown) {
    List<String> targets = new ArrayList<>();
    boolean fenced = false;
    for (String line : markdown.split("\n", -1)) {
      if (isFence(line)) {
        fenced = !fenced;
        continue;
      }
      if (!fenced) {
        Matcher link = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
        while (link.find()) {
          targets.add(link.group(1));
        }
      }
    }
    return targets;
  }

  /** The anchors GitHub gives the headings of a page, in order; a repeated slug gets -1, -2, ... */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fenced = false;
    for (String line : markdown.split("\n", -1)) {
      if (isFence(line)) {
        fenced = !fenced;
        continue;
      }
      Matcher heading = HEADING.matcher(line);
      if (!fenced && heading.matches()) {
        String slug = slug(heading.group(1));
        int count = seen.merge(slug, 1, Integer::sum);
        anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
      }
    }
    return anchors;
  }

  /** GitHub's heading slug: lower case, punctuation other than '-' and '_' removed, spaces to '-'. */
  static String slug(String heading) {
    return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-');
  }

  private static boolean isFence(String line) {
    String trimmed = line.stripLeading();
    return trimmed.startsWith("```") || trimmed.startsWith("~~~");
  }

  private static List<Path> pages(Path root) {
    List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("RELIABILITY.md"),
        root.resolve("BENCHMARKS.md")));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(page -> page.toString().endsWith(".md")).sorted().forEach(pages::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pages;
  }

  private static String read(Path page) {
    try {
      return Files.readString(page);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + page, e);
    }
  }

  private static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("README.md")) && Files.exists(dir.resolve("docs"))
          && Files.exists(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }
}
