package fr.sesame.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A JSON request body, read strictly: {@code application/json} only (else 415), valid UTF-8, one object,
 * no duplicate keys, no field that the route does not know, each field of the right type (else 400).
 */
public final class JsonInput {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private final JsonNode node;

  private JsonInput(JsonNode node) {
    this.node = node;
  }

  /** Reads the body, which must be a JSON object with only {@code allowed} fields. */
  public static JsonInput read(RoutingContext ctx, Set<String> allowed) {
    requireJsonContentType(ctx);
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw invalid("a JSON object body is required");
    }
    return parse(body, allowed);
  }

  /** Like {@link #read}, but an empty body (with or without a content type) is an empty object. */
  public static JsonInput readOptional(RoutingContext ctx, Set<String> allowed) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return new JsonInput(MAPPER.createObjectNode());
    }
    requireJsonContentType(ctx);
    return parse(body, allowed);
  }

  static JsonInput parse(Buffer body, Set<String> allowed) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body.getBytes())).toString();
    } catch (CharacterCodingException e) {
      throw invalid("the body is not valid UTF-8");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      String why = e.getOriginalMessage();
      throw invalid("the body is not valid JSON" + (why != null && why.startsWith("Duplicate field")
          ? ": duplicate field" : ""));
    }
    if (node == null || !node.isObject()) {
      throw invalid("the body must be a JSON object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw invalid("unknown field '" + (name.length() > 40 ? name.substring(0, 40) + "…" : name) + "'");
      }
    }
    return new JsonInput(node);
  }

  private static void requireJsonContentType(RoutingContext ctx) {
    String ct = ctx.request().getHeader("Content-Type");
    String mime = ct == null ? "" : ct.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
    if (!mime.equals("application/json")) {
      throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "send application/json");
    }
  }

  /** A required string of 1 to {@code maxLength} characters. */
  public String string(String field, int maxLength) {
    String s = optionalString(field, maxLength);
    if (s == null) {
      throw invalid("'" + field + "' is required");
    }
    return s;
  }

  /**
   * The optional {@code lang} of the messages a request sends: one of {@link TemplateCatalog#LANGUAGES},
   * {@link TemplateCatalog#DEFAULT_LANGUAGE} when absent; anything else (another language, another case, not a
   * string): 400.
   */
  public String lang() {
    JsonNode v = node.get("lang");
    if (v == null || v.isNull()) {
      return TemplateCatalog.DEFAULT_LANGUAGE;
    }
    if (!v.isTextual() || !TemplateCatalog.LANGUAGES.contains(v.textValue())) {
      throw invalid("'lang' must be fr or en");
    }
    return v.textValue();
  }

  /** An optional string; null when absent. Present but empty, too long or not a string: 400. */
  public String optionalString(String field, int maxLength) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw invalid("'" + field + "' must be a string");
    }
    String s = v.textValue();
    if (s.isEmpty() || s.length() > maxLength) {
      throw invalid("'" + field + "' must be 1 to " + maxLength + " characters");
    }
    return s;
  }

  /** A required string matching {@code pattern}. */
  public String matching(String field, Pattern pattern, String what) {
    String s = string(field, 1024);
    if (!pattern.matcher(s).matches()) {
      throw invalid("'" + field + "' must be " + what);
    }
    return s;
  }

  public JsonNode node(String field) {
    return node.get(field);
  }

  public static ProblemException invalid(String detail) {
    return new ProblemException(ProblemType.VALIDATION_FAILED, detail);
  }
}
