package fr.sesame.gateway.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each {@link ProblemType} means, in French and in English, for the page its type URI answers: read from
 * {@code fr/sesame/gateway/problem/problem-types.yaml} (one entry per type, named as in its URI).
 */
public final class ProblemDescriptions {
  static final String RESOURCE = "fr/sesame/gateway/problem/problem-types.yaml";

  /** One language's text. @param title null in English: the title is {@link ProblemType#title()} */
  public record Text(String title, String when, String action) {}

  /** Both languages' texts of one type. */
  public record Description(Text fr, Text en) {}

  private final Map<ProblemType, Description> descriptions;

  private ProblemDescriptions(Map<ProblemType, Description> descriptions) {
    this.descriptions = descriptions;
  }

  /**
   * Reads the resource. @throws IllegalStateException when it cannot be read, holds an unknown field or type, or
   * lacks a type or a text (a build that ships one so fails at start-up, not when a client follows a link)
   */
  public static ProblemDescriptions load() {
    ObjectMapper yaml = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    Map<String, Description> read;
    try (InputStream in = ProblemDescriptions.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing");
      }
      read = yaml.readValue(in, yaml.getTypeFactory().constructMapType(TreeMap.class, String.class,
          Description.class));
    } catch (IOException e) {
      throw new IllegalStateException(RESOURCE + " cannot be read: " + e.getMessage(), e);
    }
    Map<ProblemType, Description> byType = new EnumMap<>(ProblemType.class);
    for (ProblemType type : ProblemType.values()) {
      String name = type.kebabName();
      Description d = read.remove(name);
      if (d == null || d.fr() == null || d.en() == null || blank(d.fr().title()) || blank(d.fr().when())
          || blank(d.fr().action()) || blank(d.en().when()) || blank(d.en().action()) || d.en().title() != null) {
        throw new IllegalStateException(RESOURCE + ": " + name
            + " needs fr.title, fr.when, fr.action, en.when and en.action (and no en.title: it is ProblemType's)");
      }
      byType.put(type, d);
    }
    if (!read.isEmpty()) {
      throw new IllegalStateException(RESOURCE + " describes unknown problem types: " + read.keySet());
    }
    return new ProblemDescriptions(byType);
  }

  public Description of(ProblemType type) {
    return descriptions.get(type);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
