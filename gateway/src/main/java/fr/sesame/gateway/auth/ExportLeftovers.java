package fr.sesame.gateway.auth;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What an émargement PDF export leaves in the temporary directory when its gateway stops before sending it (a crash,
 * a kill): a directory of its own ({@link #PREFIX}, mode 0700) holding the list of who voted, with names, in clear.
 * A running export deletes its directory once the file is sent or failed; a stopped one never does. {@link #sweep}
 * deletes those older than an export could last, at start and then periodically: every instance on a host sweeps the
 * same directory, so a young one (another instance's export under way) is left alone.
 */
public final class ExportLeftovers {
  /** The name an export's temporary directory starts with. */
  public static final String PREFIX = "sesame-emargements-";
  /** An export's directory this old is a leftover: a list of a million voters is written in well under a minute. */
  public static final Duration OLDER_THAN = Duration.ofHours(1);

  private ExportLeftovers() {}

  /**
   * Deletes the export directories in {@code tmp} last modified more than {@code olderThan} before {@code now}
   * (blocking: run it off the event loop). Anything else, symbolic links, and directories another user owns are left
   * alone; one that cannot be read or vanishes meanwhile is skipped, the others still swept.
   * @return how many were deleted
   */
  public static int sweep(Path tmp, Duration olderThan, Instant now) throws IOException {
    int deleted = 0;
    try (DirectoryStream<Path> found = Files.newDirectoryStream(tmp, PREFIX + "*")) {
      for (Path dir : found) {
        try {
          // only this user's own: the gateway never sweeps what another account put in a shared /tmp
          if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
              || !Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))) {
            continue;
          }
          Instant modified = Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).toInstant();
          if (modified.plus(olderThan).isBefore(now)) {
            deleteTree(dir);
            deleted++;
          }
        } catch (IOException | java.io.UncheckedIOException | UnsupportedOperationException e) {
          // gone meanwhile (its export finished, another instance swept it) or unreadable: the others still go
        }
      }
    }
    return deleted;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) { // does not follow links: a link inside is deleted, not its target
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
