package fr.sesame.testkit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The files an email provider's fake received, read back as the provider reads them: Mailjet's Send API v3.1
 * ({@code Messages[].Attachments[]} with {@code Filename}, {@code ContentType}, {@code Base64Content}) and SES v2's
 * {@code SendEmail} ({@code Content.Simple.Attachments[]} with {@code FileName}, {@code ContentType}, and
 * {@code RawContent} as Base64 in the JSON protocol). An SMTP sink's (GreenMail's) MIME parts are read with
 * Jakarta Mail in the tests that have it.
 */
public final class EmailAttachments {
  private EmailAttachments() {
  }

  /** A file as received. */
  public record File(String filename, String contentType, byte[] content) {}

  /** The attachments of the first message of a Mailjet v3.1 send request (none: empty). */
  public static List<File> mailjet(FakeHttpServer.Request request) {
    JsonObject message = new JsonObject(request.body()).getJsonArray("Messages").getJsonObject(0);
    JsonArray files = message.getJsonArray("Attachments", new JsonArray());
    List<File> out = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      JsonObject f = files.getJsonObject(i);
      out.add(new File(f.getString("Filename"), f.getString("ContentType"),
          Base64.getDecoder().decode(f.getString("Base64Content"))));
    }
    return out;
  }

  /** The attachments of an SES v2 {@code SendEmail} request with simple content (none: empty). */
  public static List<File> ses(FakeHttpServer.Request request) {
    JsonObject simple = new JsonObject(request.body()).getJsonObject("Content").getJsonObject("Simple");
    JsonArray files = simple.getJsonArray("Attachments", new JsonArray());
    List<File> out = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      JsonObject f = files.getJsonObject(i);
      out.add(new File(f.getString("FileName"), f.getString("ContentType"),
          Base64.getDecoder().decode(f.getString("RawContent"))));
    }
    return out;
  }

  /** Mailjet's or SES's, whichever the request's body is (a Mailjet send has {@code Messages}). */
  public static List<File> of(FakeHttpServer.Request request) {
    return new JsonObject(request.body()).containsKey("Messages") ? mailjet(request) : ses(request);
  }
}
