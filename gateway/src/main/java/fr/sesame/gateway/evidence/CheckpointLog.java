package fr.sesame.gateway.evidence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The second store of the audit checkpoints, outside Redis: one file of JSON lines per election
 * ({@code DIR/E.checkpoints.jsonl}), to which the gateway only appends (opened in append mode, each line
 * forced to disk before the append counts). Its methods block: call them off the event loop.
 */
public final class CheckpointLog {
  private final Path dir;
  private final String suffix;

  public CheckpointLog(Path dir) {
    this(dir, ".checkpoints.jsonl");
  }

  /** A log of other lines in the same directory: {@code DIR/E + suffix} (the seals: {@code .seals.jsonl}). */
  public CheckpointLog(Path dir, String suffix) {
    this.dir = dir;
    this.suffix = suffix;
  }

  public Path dir() {
    return dir;
  }

  Path file(String electionId) {
    return dir.resolve(electionId + suffix);
  }

  /** Appends one line and forces it to disk. */
  public void append(String electionId, String line) {
    try {
      Files.createDirectories(dir);
      try (FileChannel out = FileChannel.open(file(electionId), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        // a line cut by a crash stays as it is, ended: the new line must not be glued to it
        boolean cut = out.size() > 0 && lastByte(file(electionId)) != '\n';
        ByteBuffer bytes = ByteBuffer.wrap(((cut ? "\n" : "") + line + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The size of the election's file in bytes (0 when it has none). */
  public long size(String electionId) {
    try {
      return Files.size(file(electionId));
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Tells whether the election's file changed: its size and time of last change ("" when it has none). */
  public String version(String electionId) {
    try {
      Path f = file(electionId);
      return Files.size(f) + "@" + Files.getLastModifiedTime(f).toMillis();
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int lastByte(Path file) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer last = ByteBuffer.allocate(1);
      in.read(last, in.size() - 1);
      return last.get(0);
    }
  }

  /** Every line of the election's checkpoints, oldest first (none when it has none). */
  public List<String> lines(String electionId) {
    try {
      return Files.readAllLines(file(electionId), StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
