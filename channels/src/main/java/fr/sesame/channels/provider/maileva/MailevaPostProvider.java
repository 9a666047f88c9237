package fr.sesame.channels.provider.maileva;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.Receipt;
import fr.sesame.channels.pdf.LetterPdf;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.Checkpoint;
import fr.sesame.channels.spi.NamedProvider;
import fr.sesame.channels.spi.ProviderContext;
import fr.sesame.channels.spi.ProviderException;
import fr.sesame.channels.spi.ProviderFactory;
import fr.sesame.channels.spi.ProviderOption;
import fr.sesame.channels.spi.ProviderSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Postal letters through Maileva's simple-mail API ({@code /mail/v2}), on the Vert.x web client:
 * an OAuth2 token ({@code POST /oauth2/token}, client credentials, cached until it expires), then
 * {@code POST /sendings}, {@code /recipients}, {@code /documents} (the letter as a PDF rendered with PDFBox,
 * multipart {@code metadata} + {@code document}) and {@code /submit}. A sending left half-built by a failed
 * step is deleted, so nothing is printed by accident. The sending's id is reported before its submission
 * ({@link Checkpoint}), and {@link #resume} tells whether an interrupted one was submitted.
 *
 * <p>The message's {@code to} is the postal address: 2 to 6 lines separated by newlines, the last being the
 * postal code and town (AFNOR NF Z10-011); the country is France.
 */
public final class MailevaPostProvider extends NamedProvider {
  /** The status of a sending not submitted (so never printed). */
  private static final String DRAFT = "DRAFT";
  private final Vertx vertx;
  private final WebClient http;
  private final String authUrl;
  private final String apiUrl;
  private final String clientId;
  private final String clientSecret;
  private final String postageType;
  private final Clock clock;
  private volatile String token;
  private volatile Instant tokenExpires = Instant.EPOCH;

  public MailevaPostProvider(String name, Vertx vertx, WebClient http, String authUrl, String apiUrl, String clientId,
                             String clientSecret, String postageType, Clock clock) {
    super(name, ChannelKind.POST);
    this.vertx = vertx;
    this.http = http;
    this.authUrl = trim(authUrl);
    this.apiUrl = trim(apiUrl);
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.postageType = postageType;
    this.clock = clock;
  }

  @Override
  public Future<Receipt> send(Message message) {
    return send(message, Checkpoint.NONE);
  }

  /**
   * Builds and submits the letter. The sending's id goes to {@code checkpoint} as soon as the sending exists,
   * before its recipient, document and {@code /submit}: only a submitted sending is printed, so a sender that
   * crashes after that can ask {@link #resume} instead of posting a second letter. When the checkpoint fails the
   * sending is deleted and the send fails ({@code TRANSIENT}).
   */
  @Override
  public Future<Receipt> send(Message message, Checkpoint checkpoint) {
    List<String> lines = message.to().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.size() < 2 || lines.size() > 6) {
      return Future.failedFuture(ProviderException.rejected(name + ": a postal address has 2 to 6 lines"));
    }
    Future<Buffer> pdf = vertx.executeBlocking(() -> Buffer.buffer(LetterPdf.render(message.subject(), message.text())));
    return token().compose(bearer -> pdf.compose(letter -> createSending(bearer, message)
        .compose(sendingId -> built(bearer, sendingId, checkpoint, lines, letter))));
  }

  /**
   * Every step once the sending exists: the draft is deleted on any failure, a step's synchronous throw included
   * (each step runs inside {@code compose}, which turns a throw into a failed future).
   */
  private Future<Receipt> built(String bearer, String sendingId, Checkpoint checkpoint, List<String> lines,
                                Buffer letter) {
    return Future.succeededFuture(sendingId)
        .compose(id -> recorded(checkpoint, id))
        .compose(v -> recipient(bearer, sendingId, lines))
        .compose(v -> document(bearer, sendingId, letter))
        .compose(v -> call(http.postAbs(apiUrl + "/sendings/" + sendingId + "/submit").bearerTokenAuthentication(bearer)
            .send(), "submit"))
        .map(v -> new Receipt(name, sendingId, clock.instant()))
        .recover(e -> delete(bearer, sendingId).transform(ignored -> Future.<Receipt>failedFuture(e)));
  }

  private Future<Void> recorded(Checkpoint checkpoint, String sendingId) {
    Future<Void> built;
    try {
      built = checkpoint.built(sendingId);
    } catch (RuntimeException e) {
      built = Future.failedFuture(e);
    }
    return built.recover(e -> Future.failedFuture(ProviderException.transientFailure(
        name + ": sending " + sendingId + " could not be recorded before its submission", e)));
  }

  /**
   * Whether the interrupted send of sending {@code reference} was submitted: {@code GET /sendings/{id}}. Any status
   * but {@code DRAFT} means it was (a receipt, as the send would have given: a sending Maileva rejects after its
   * submission is found no later than by a send that was not interrupted); {@code DRAFT} means it was not and never
   * will be, since this is its only sender: the draft is deleted (best effort) and the answer is empty, as it is
   * for a sending Maileva does not know (404: deleted, or never created). Any other answer fails
   * ({@code TRANSIENT}): whether a letter left is unknown, so the caller must not post another yet.
   */
  @Override
  public Future<Optional<Receipt>> resume(String reference) {
    return token().compose(bearer -> http.getAbs(apiUrl + "/sendings/" + reference).bearerTokenAuthentication(bearer)
        .send()
        .recover(e -> Future.failedFuture(ProviderException.transientFailure(
            name + " unreachable (resume): " + e.getClass().getSimpleName(), e)))
        .compose(res -> {
          if (res.statusCode() == 404) {
            return Future.succeededFuture(Optional.<Receipt>empty());
          }
          if (res.statusCode() == 401) {
            token = null; // expired early: the next ask fetches a new one
          }
          String status = res.statusCode() / 100 == 2 ? status(res) : null;
          if (status == null) {
            return Future.failedFuture(ProviderException.transientFailure(name + " (resume) answered HTTP "
                + res.statusCode() + (res.statusCode() / 100 == 2 ? " without a status" : ""), null));
          }
          if (DRAFT.equals(status)) {
            return delete(bearer, reference).map(v -> Optional.<Receipt>empty());
          }
          return Future.succeededFuture(Optional.of(new Receipt(name, reference, clock.instant())));
        }));
  }

  private static String status(HttpResponse<Buffer> res) {
    try {
      return res.bodyAsJsonObject().getString("status");
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Deletes a sending that was not submitted (best effort: a draft is never printed anyway). When the token was
   * refused meanwhile (401), once more with a fresh one.
   */
  private Future<Void> delete(String bearer, String sendingId) {
    return deleteWith(bearer, sendingId).compose(status -> {
      if (status != 401) {
        return Future.<Void>succeededFuture();
      }
      token = null;
      return token().compose(fresh -> deleteWith(fresh, sendingId)).<Void>mapEmpty();
    }).otherwiseEmpty();
  }

  private Future<Integer> deleteWith(String bearer, String sendingId) {
    return http.deleteAbs(apiUrl + "/sendings/" + sendingId).bearerTokenAuthentication(bearer).send()
        .map(HttpResponse::statusCode);
  }

  private Future<String> createSending(String bearer, Message message) {
    JsonObject sending = new JsonObject().put("name", message.purpose() + " " + clock.instant())
        .put("custom_id", message.purpose()).put("color_printing", false).put("duplex_printing", true)
        .put("optional_address_sheet", true).put("postage_type", postageType);
    return call(http.postAbs(apiUrl + "/sendings").bearerTokenAuthentication(bearer).sendJsonObject(sending), "sending")
        .map(res -> res.bodyAsJsonObject().getString("id"))
        .compose(id -> id == null ? Future.failedFuture(ProviderException.transientFailure(name + " gave no id", null))
            : Future.succeededFuture(id));
  }

  private Future<Void> recipient(String bearer, String sendingId, List<String> lines) {
    JsonObject r = new JsonObject().put("country_code", "FR");
    List<String> slots = addressLines(lines);
    for (int i = 0; i < slots.size(); i++) {
      if (slots.get(i) != null) {
        r.put("address_line_" + (i + 1), slots.get(i));
      }
    }
    return call(http.postAbs(apiUrl + "/sendings/" + sendingId + "/recipients").bearerTokenAuthentication(bearer)
        .sendJsonObject(r), "recipient").mapEmpty();
  }

  /**
   * An address of 2 to 6 lines on AFNOR NF Z10-011's six (null for an empty one): the first line is the recipient
   * (line 1), the last the postal code and town (line 6). The lines between keep their order and end on line 4
   * (number and street) while there are at most three of them: one is the street (4); two are a building or
   * residence (3) and the street; three add the recipient's complement (2: flat, floor, c/o). Four fill lines 2
   * to 5, the last being the delivery complement (5: lieu-dit, BP).
   */
  static List<String> addressLines(List<String> lines) {
    if (lines.size() < 2 || lines.size() > 6) {
      throw new IllegalArgumentException("a postal address has 2 to 6 lines, not " + lines.size());
    }
    String[] slots = new String[6];
    slots[0] = lines.get(0);
    slots[5] = lines.get(lines.size() - 1);
    List<String> middle = lines.subList(1, lines.size() - 1);
    int first = middle.size() == 4 ? 1 : 4 - middle.size(); // index of address_line_(first + 1)
    for (int i = 0; i < middle.size(); i++) {
      slots[first + i] = middle.get(i);
    }
    return Arrays.asList(slots);
  }

  private Future<Void> document(String bearer, String sendingId, Buffer letter) {
    MultipartForm form = MultipartForm.create()
        .attribute("metadata", new JsonObject().put("name", "letter.pdf").put("priority", 1).encode())
        .binaryFileUpload("document", "letter.pdf", letter, "application/pdf");
    return call(http.postAbs(apiUrl + "/sendings/" + sendingId + "/documents").bearerTokenAuthentication(bearer)
        .sendMultipartForm(form), "document").mapEmpty();
  }

  /** The cached OAuth2 token, renewed a minute before it expires. */
  private Future<String> token() {
    String t = token;
    if (t != null && clock.instant().isBefore(tokenExpires)) {
      return Future.succeededFuture(t);
    }
    String basic = Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    return call(http.postAbs(authUrl + "/oauth2/token").putHeader("Authorization", "Basic " + basic)
        .putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer("grant_type=client_credentials")), "token")
        .map(res -> {
          JsonObject json = res.bodyAsJsonObject();
          token = json.getString("access_token");
          tokenExpires = clock.instant().plusSeconds(Math.max(0, json.getLong("expires_in", 0L) - 60));
          return token;
        });
  }

  private Future<HttpResponse<Buffer>> call(Future<HttpResponse<Buffer>> request, String step) {
    return request.recover(e -> Future.failedFuture(
            ProviderException.transientFailure(name + " unreachable (" + step + "): " + e.getClass().getSimpleName(), e)))
        .compose(res -> {
          if (res.statusCode() / 100 == 2) {
            return Future.succeededFuture(res);
          }
          if (res.statusCode() == 401 && !"token".equals(step)) {
            token = null; // expired early: the next attempt fetches a new one
            return Future.failedFuture(ProviderException.transientFailure(name + " token refused (" + step + ")", null));
          }
          ProviderException p = ProviderException.forHttpStatus(name + " (" + step + ")", res.statusCode(),
              ProviderException.retryAfter(res.getHeader("Retry-After")));
          return Future.failedFuture(p);
        });
  }

  private static String trim(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * Type {@code maileva}. Options (all required but the last two): {@code authUrl} (the base of
   * {@code /oauth2/token}, as Maileva gives it for the account's environment), {@code apiUrl} (the base of the
   * mail API, ending in {@code /mail/v2}), {@code clientId}, {@code postageType} (ECONOMIC, FAST or URGENT;
   * default FAST), {@code timeout} (give it PT20S or more: a PDF and five calls). Secret:
   * {@code SESAME_PROVIDER_<NAME>_CLIENT_SECRET}.
   */
  public static final class Factory implements ProviderFactory {
    @Override
    public String type() {
      return "maileva";
    }

    @Override
    public List<ProviderOption> options() {
      return List.of(ProviderOption.required("authUrl"), ProviderOption.required("apiUrl"),
          ProviderOption.required("clientId"), ProviderOption.text("postageType"));
    }

    @Override
    public List<String> secrets(ProviderSettings s) {
      return List.of("clientSecret");
    }

    @Override
    public ChannelProvider create(ProviderContext context, ProviderSettings s) {
      WebClient http = WebClient.create(context.vertx(), new WebClientOptions().setUserAgent("sesame-gateway")
          .setConnectTimeout(5000));
      return new MailevaPostProvider(s.name(), context.vertx(), http, s.required("authUrl"), s.required("apiUrl"),
          s.required("clientId"), s.secret("clientSecret"), s.optional("postageType", "FAST"), context.clock());
    }
  }
}
