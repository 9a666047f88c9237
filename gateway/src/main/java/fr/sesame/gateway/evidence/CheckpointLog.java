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

  public CheckpointLog(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  Path file(String electionId) {
    return dir.resolve(electionId + ".checkpoints.jsonl");
  }

  /** Appends one line and forces it to disk. */
  public void append(String electionId, String line) {
    try {
      Files.createDirectories(dir);
      try (FileChannel out = FileChannel.open(file(electionId), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
