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
  /** Reads one field's value from the object's parser: what follows it is the object's, not trailing. */
  private static final com.fasterxml.jackson.databind.ObjectReader VALUE = MAPPER.reader()
      .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  /** The fields as read: a {@link String} for a string value, a {@link JsonNode} for any other. */
  private final java.util.Map<String, Object> fields;

  private JsonInput(java.util.Map<String, Object> fields) {
    this.fields = fields;
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
      return new JsonInput(java.util.Map.of());
    }
    requireJsonContentType(ctx);
    return parse(body, allowed);
  }

  static JsonInput parse(Buffer body, Set<String> allowed) {
    String text = text(body);
    java.util.Map<String, Object> fields;
    try {
      fields = stream(text);
      if (fields == null) { // not an object: read it whole, for the same answer as ever
        JsonNode node = MAPPER.readTree(text);
        if (node == null || !node.isObject()) {
          throw invalid("the body must be a JSON object");
        }
        fields = new java.util.LinkedHashMap<>();
        for (Iterator<java.util.Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          java.util.Map.Entry<String, JsonNode> e = it.next();
          fields.put(e.getKey(), e.getValue());
        }
      }
    } catch (JsonProcessingException e) {
      String why = e.getOriginalMessage();
      throw invalid("the body is not valid JSON" + (why != null && why.startsWith("Duplicate field")
          ? ": duplicate field" : ""));
    } catch (java.io.IOException e) {
      throw invalid("the body is not valid JSON");
    }
    for (String name : fields.keySet()) {
      if (!allowed.contains(name)) {
        throw invalid("unknown field '" + (name.length() > 40 ? name.substring(0, 40) + "…" : name) + "'");
      }
    }
    return new JsonInput(fields);
  }

  /** The body as text: valid UTF-8 or 400. An ASCII body (every voter's request) is copied as it is. */
  private static String text(Buffer body) {
    byte[] bytes = body.getBytes();
    boolean ascii = true;
    for (byte b : bytes) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw invalid("the body is not valid UTF-8");
    }
  }

  /**
   * The object's fields, read with the mapper's own parser (same checks: duplicate keys, nesting and size limits,
   * nothing after the object) without building a tree for the string fields; null if the text is not an object.
   */
  private static java.util.Map<String, Object> stream(String text) throws java.io.IOException {
    try (JsonParser p = MAPPER.createParser(text)) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        return null;
      }
      java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>(8);
      for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
        com.fasterxml.jackson.core.JsonToken t = p.nextToken();
        if (t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
          fields.put(name, p.getText());
        } else {
          JsonNode value = VALUE.readTree(p);
          fields.put(name, value == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : value);
        }
      }
      if (p.currentToken() != com.fasterxml.jackson.core.JsonToken.END_OBJECT) {
        throw new com.fasterxml.jackson.core.JsonParseException(p, "the object does not end");
      }
      if (p.nextToken() != null) {
        throw new com.fasterxml.jackson.core.JsonParseException(p, "trailing tokens");
      }
      return fields;
    }
  }

  private static void requireJsonContentType(RoutingContext ctx) {
    String ct = ctx.request().getHeader("Content-Type");
    String mime = ct == null ? "" : ct.equalsIgnoreCase("application/json") ? "application/json"
        : ct.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
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
    Object v = fields.get("lang");
    if (v == null || v instanceof JsonNode n && n.isNull()) {
      return TemplateCatalog.DEFAULT_LANGUAGE;
    }
    if (!(v instanceof String s) || !TemplateCatalog.LANGUAGES.contains(s)) {
      throw invalid("'lang' must be fr or en");
    }
    return s;
  }

  /** An optional string; null when absent. Present but empty, too long or not a string: 400. */
  public String optionalString(String field, int maxLength) {
    Object v = fields.get(field);
    if (v == null || v instanceof JsonNode n && n.isNull()) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw invalid("'" + field + "' must be a string");
    }
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
    Object v = fields.get(field);
    return v instanceof String s ? com.fasterxml.jackson.databind.node.TextNode.valueOf(s) : (JsonNode) v;
  }

  public static ProblemException invalid(String detail) {
    return new ProblemException(ProblemType.VALIDATION_FAILED, detail);
  }
}
