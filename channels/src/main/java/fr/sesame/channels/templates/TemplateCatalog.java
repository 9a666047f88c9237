package fr.sesame.channels.templates;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The messages Sesame sends, as Mustache templates ({@code templates/<name>.<channel>.<lang>.mustache},
 * French and English). An email template's first line is {@code Subject: ...}; a letter's first line is its title. Subjects never hold a
 * secret; bodies hold no more personal data than the message needs. Templates are compiled once; the
 * catalogue is thread-safe.
 */
public final class TemplateCatalog {
  /** Interactive messages (login codes) never wait behind bulk ones (campaigns, receipts). */
  public enum Priority { INTERACTIVE, BULK }

  /**
   * A template's contract.
   *
   * @param name     its name in the API
   * @param channels the channels it exists for
   * @param fields   the data fields it needs (all required)
   * @param priority how it is queued
   * @param pdf      the file name of the PDF it attaches (rendered from {@code <name>.pdf.<lang>.mustache},
   *                 first line the title), or null; rendering a PDF is CPU work: do it off the event loop
   */
  public record Spec(String name, Set<ChannelKind> channels, List<String> fields, Priority priority, String pdf) {
    public Spec(String name, Set<ChannelKind> channels, List<String> fields, Priority priority) {
      this(name, channels, fields, priority, null);
    }
  }

  /** The languages every template exists in; {@link #DEFAULT_LANGUAGE} first. */
  public static final List<String> LANGUAGES = List.of("fr", "en");
  /** The language of a message whose sender chose none. */
  public static final String DEFAULT_LANGUAGE = "fr";
  private static final List<Spec> SPECS = List.of(
      new Spec("login-code", EnumSet.of(ChannelKind.SMS, ChannelKind.VOICE, ChannelKind.EMAIL),
          List.of("code", "codeSpoken", "minutes"), Priority.INTERACTIVE),
      new Spec("access-codes", EnumSet.of(ChannelKind.EMAIL, ChannelKind.SMS, ChannelKind.POST), List.of("electionName", "identifier", "url"),
          Priority.BULK),
      new Spec("access-letter", EnumSet.of(ChannelKind.POST), List.of("electionName", "identifier", "password", "url"),
          Priority.BULK),
      new Spec("vote-receipt", EnumSet.of(ChannelKind.EMAIL), List.of("electionName", "votedAt", "receiptId", "ip"),
          Priority.BULK, "accuse-de-reception.pdf"),
      new Spec("bureau-alert", EnumSet.of(ChannelKind.EMAIL, ChannelKind.SMS), List.of("electionName", "alert"),
          Priority.INTERACTIVE),
      new Spec("staff-invitation", EnumSet.of(ChannelKind.EMAIL), List.of("name", "url", "hours"),
          Priority.INTERACTIVE));

  private final Map<String, Spec> specs = new HashMap<>();
  private final Map<String, Template> templates = new HashMap<>();
  private final Map<String, Template> pdfs = new HashMap<>();

  public TemplateCatalog() {
    Mustache.Compiler compiler = Mustache.compiler().escapeHTML(false).strictSections(true);
    for (Spec spec : SPECS) {
      specs.put(spec.name(), spec);
      for (ChannelKind channel : spec.channels()) {
        for (String lang : LANGUAGES) {
          String key = key(spec.name(), channel, lang);
          templates.put(key, compiler.compile(read("templates/" + key + ".mustache")));
        }
      }
      if (spec.pdf() != null) {
        for (String lang : LANGUAGES) {
          pdfs.put(spec.name() + "." + lang, compiler.compile(read("templates/" + spec.name() + ".pdf." + lang + ".mustache")));
        }
      }
    }
  }

  public Optional<Spec> spec(String name) {
    return Optional.ofNullable(specs.get(name));
  }

  /**
   * Renders a message. The caller has checked the template exists for the channel and that {@code data}
   * holds every field of its spec.
   */
  public Message render(String name, ChannelKind channel, String lang, String to, Map<String, String> data) {
    Template t = templates.get(key(name, channel, lang));
    if (t == null) {
      throw new IllegalArgumentException("no template " + key(name, channel, lang));
    }
    String text = t.execute(data);
    String subject = null;
    if (channel == ChannelKind.EMAIL && text.startsWith("Subject: ") || channel == ChannelKind.POST) {
      String[] head = firstLine(text);
      subject = (channel == ChannelKind.EMAIL ? head[0].substring("Subject: ".length()) : head[0]).strip();
      text = head[1];
    }
    List<fr.sesame.channels.Attachment> attachments = List.of();
    Template pdf = pdfs.get(name + "." + lang);
    if (pdf != null) {
      String[] page = firstLine(pdf.execute(data));
      attachments = List.of(new fr.sesame.channels.Attachment(specs.get(name).pdf(), "application/pdf",
          fr.sesame.channels.pdf.LetterPdf.render(page[0].strip(), page[1].strip())));
    }
    return new Message(channel, to, subject, text.strip(), name, attachments, lang);
  }

  /** {first line, the rest}: an email's subject line, a letter's or a PDF's title, then the body. */
  private static String[] firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? new String[] {text, ""} : new String[] {text.substring(0, nl), text.substring(nl + 1)};
  }

  private static String key(String name, ChannelKind channel, String lang) {
    return name + "." + channel.wireName() + "." + lang;
  }

  private static String read(String resource) {
    try (InputStream in = TemplateCatalog.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing template " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }

  /** The digits of a code spaced for a voice call: {@code 123} → {@code 1, 2, 3}. */
  public static String spoken(String code) {
    return String.join(", ", code.split(""));
  }
}
