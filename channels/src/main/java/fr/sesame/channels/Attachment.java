package fr.sesame.channels;

import java.util.Objects;

/**
 * A file sent with an email (the PDF vote receipt).
 *
 * @param filename    the name the recipient sees
 * @param contentType its MIME type, e.g. {@code application/pdf}
 * @param content     its bytes
 */
public record Attachment(String filename, String contentType, byte[] content) {
  public Attachment {
    Objects.requireNonNull(filename, "filename");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(content, "content");
  }
}
