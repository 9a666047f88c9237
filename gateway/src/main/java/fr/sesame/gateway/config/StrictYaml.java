package fr.sesame.gateway.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import fr.sesame.channels.config.ConfigProblems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Binds the YAML file into {@link ConfigFile} with Jackson, strictly: unknown keys fail, and nothing is coerced
 * (a quoted {@code "5"} or {@code five} is not a number, {@code "true"} not a boolean, {@code 5.5} not a whole
 * number). Jackson stops at its first error, so the tree is first walked against the properties Jackson sees
 * in {@link ConfigFile} (its bean descriptions): every unknown key (with the nearest known one when it looks
 * misspelt) and every value of the wrong type is recorded with its path ({@code otp.digits}) and left out,
 * then what remains is bound. Ranges are the records' business ({@link ConfigLoader}).
 */
final class StrictYaml {
  /** Secrets, which are only read from the environment. */
  private static final Set<String> SECRET_NAMES = Set.of("hashKey", "dataKey", "apiKeys", "password");

  private final ObjectMapper mapper;

  StrictYaml() {
    mapper = YAMLMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .addModule(new SimpleModule("iso-durations").addDeserializer(Duration.class, new DurationDeserializer()))
        .build();
    mapper.coercionConfigDefaults().setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
  }

  /**
   * Reads {@code file}; every problem goes to {@code problems}.
   *
   * @return the file's values that are well typed (a bad one is left unset), never null
   */
  ConfigFile read(Path file, ConfigProblems problems) {
    JsonNode root;
    try {
      root = mapper.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      problems.add(file.toString(), "is not valid YAML: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
      return new ConfigFile();
    } catch (IOException e) {
      problems.add(file.toString(), "cannot be read: " + e);
      return new ConfigFile();
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new ConfigFile();
    }
    if (!(root instanceof ObjectNode top)) {
      problems.add(file.toString(), "must hold a mapping of sections (http, redis, ...)");
      return new ConfigFile();
    }
    for (String name : SECRET_NAMES) {
      if (top.remove(name) != null) {
        problems.add(name, "is a secret; set it in the environment, never in the configuration file");
      }
    }
    check(top, mapper.constructType(ConfigFile.class), "", problems);
    try {
      return mapper.treeToValue(top, ConfigFile.class);
    } catch (JsonMappingException e) { // the walk should have caught it: still named, never a stack trace
      problems.add(path(e), e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      problems.add(file.toString(), e.getOriginalMessage());
    }
    return new ConfigFile();
  }

  /**
   * Whether {@code value} fits {@code type}; what does not is recorded under {@code path}, and removed from its
   * mapping so that the rest can still be bound.
   */
  private boolean check(JsonNode value, JavaType type, String path, ConfigProblems problems) {
    if (value.isNull()) {
      return true; // "otp:" with nothing under it: as if absent
    }
    Class<?> raw = type.getRawClass();
    if (raw == Integer.class || raw == int.class) {
      return value.isIntegralNumber() && value.canConvertToInt() || bad(problems, path, "a whole number", value);
    }
    if (raw == Long.class || raw == long.class) {
      return value.isIntegralNumber() && value.canConvertToLong() || bad(problems, path, "a whole number", value);
    }
    if (raw == Double.class || raw == double.class) {
      return value.isNumber() || bad(problems, path, "a number", value);
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return value.isBoolean() || bad(problems, path, "true or false", value);
    }
    if (raw == String.class) {
      return value.isTextual() || bad(problems, path, "text", value);
    }
    if (raw == Duration.class) {
      return value.isTextual() && parses(value.asText())
          || bad(problems, path, "an ISO-8601 duration such as PT5M or P1D", value);
    }
    if (Map.class.isAssignableFrom(raw)) {
      if (!(value instanceof ObjectNode map)) {
        return bad(problems, path, "a mapping", value);
      }
      JavaType content = type.getContentType();
      if (content.getRawClass() != Object.class) {
        for (String key : fieldNames(map)) {
          if (!check(map.get(key), content, path + "." + key, problems)) {
            map.remove(key);
          }
        }
      }
      return true;
    }
    Map<String, JavaType> properties = properties(type);
    if (!(value instanceof ObjectNode object)) {
      return bad(problems, path, "a mapping of " + String.join(", ", properties.keySet()), value);
    }
    for (String key : fieldNames(object)) {
      String where = path.isEmpty() ? key : path + "." + key;
      JavaType expected = properties.get(key);
      if (expected == null) {
        problems.unknown(where, path.isEmpty() ? "section" : "setting", properties.keySet());
        object.remove(key);
      } else if (!check(object.get(key), expected, where, problems)) {
        object.remove(key);
      }
    }
    return true;
  }

  /** The properties Jackson binds on {@code type}, by name, in declaration order. */
  private Map<String, JavaType> properties(JavaType type) {
    BeanDescription description = mapper.getDeserializationConfig().introspect(type);
    Map<String, JavaType> properties = new LinkedHashMap<>();
    for (BeanPropertyDefinition p : description.findProperties()) {
      properties.put(p.getName(), p.getPrimaryType());
    }
    return properties;
  }

  private static boolean bad(ConfigProblems problems, String path, String expected, JsonNode value) {
    problems.add(path, "must be " + expected + ", not " + (value.isTextual() ? "\"" + value.asText() + "\""
        : value.isContainerNode() ? (value.isArray() ? "a list" : "a mapping") : value.toString()));
    return false;
  }

  private static boolean parses(String duration) {
    try {
      Duration.parse(duration.trim());
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  /** An ISO-8601 duration, from text only. */
  private static final class DurationDeserializer extends StdScalarDeserializer<Duration> {
    DurationDeserializer() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
      }
      try {
        return Duration.parse(p.getText().trim());
      } catch (DateTimeParseException e) {
        return (Duration) ctxt.handleWeirdStringValue(Duration.class, p.getText(), "not an ISO-8601 duration");
      }
    }
  }
}
