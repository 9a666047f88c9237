package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The body checks of {@link JsonInput}, each refusal with its detail (the streamed read keeps them all). */
class JsonInputTest {
  private static final Set<String> FIELDS = Set.of("identifier", "secret", "n", "o", "lang");

  private static JsonInput parse(String body) {
    return JsonInput.parse(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)), FIELDS);
  }

  private static void refused(String body, String detail) {
    refused(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)), detail);
  }

  private static void refused(Buffer body, String detail) {
    assertThatThrownBy(() -> JsonInput.parse(body, FIELDS)).as(body.toString())
        .isInstanceOfSatisfying(ProblemException.class, p -> {
          assertThat(p.type()).isEqualTo(ProblemType.VALIDATION_FAILED);
          assertThat(p.getMessage()).isEqualTo(detail);
        });
  }

  @Test
  void fieldsAreReadWithTheirTypes() {
    JsonInput in = parse(" {\"identifier\" : \"alice\", \"secret\":\"20231234\",\"n\":12,\"o\":{\"a\":[1,2]},"
        + "\"lang\":\"en\"} \n");
    assertThat(in.string("identifier", 128)).isEqualTo("alice");
    assertThat(in.matching("secret", java.util.regex.Pattern.compile("[0-9]+"), "digits")).isEqualTo("20231234");
    assertThat(in.lang()).isEqualTo("en");
    assertThat(in.node("n").isInt()).isTrue();
    assertThat(in.node("o").get("a").size()).isEqualTo(2);
    assertThat(in.node("identifier").textValue()).isEqualTo("alice");
    assertThat(in.node("lang").isTextual()).isTrue();
    assertThat(in.node("absent")).isNull();
    assertThat(parse("{\"identifier\":\"Zoë \\u00e9\\\"\"}").string("identifier", 10)).isEqualTo("Zoë é\"");
  }

  @Test
  void nullAndAbsentFieldsAreAbsent() {
    JsonInput in = parse("{\"identifier\":null,\"lang\":null,\"o\":null}");
    assertThat(in.optionalString("identifier", 10)).isNull();
    assertThat(in.optionalString("secret", 10)).isNull();
    assertThat(in.lang()).isEqualTo("fr");
    assertThat(in.node("o").isNull()).isTrue();
    assertThatThrownBy(() -> in.string("identifier", 10)).hasMessage("'identifier' is required");
  }

  @Test
  void typesAndLengthsAreChecked() {
    assertThatThrownBy(() -> parse("{\"secret\":20231234}").string("secret", 64))
        .hasMessage("'secret' must be a string");
    assertThatThrownBy(() -> parse("{\"secret\":[\"1\"]}").string("secret", 64))
        .hasMessage("'secret' must be a string");
    assertThatThrownBy(() -> parse("{\"secret\":\"\"}").string("secret", 64))
        .hasMessage("'secret' must be 1 to 64 characters");
    assertThatThrownBy(() -> parse("{\"secret\":\"" + "1".repeat(65) + "\"}").string("secret", 64))
        .hasMessage("'secret' must be 1 to 64 characters");
    assertThatThrownBy(() -> parse("{\"lang\":\"de\"}").lang()).hasMessage("'lang' must be fr or en");
    assertThatThrownBy(() -> parse("{\"lang\":1}").lang()).hasMessage("'lang' must be fr or en");
  }

  @Test
  void badBodiesAreRefusedWithTheirReason() {
    refused("{\"identifier\":", "the body is not valid JSON");
    refused("{\"identifier\":\"a\"", "the body is not valid JSON");
    refused("{\"identifier\":\"a\",}", "the body is not valid JSON");
    refused("{\"identifier\":\"a\"} x", "the body is not valid JSON");
    refused("{\"identifier\":\"a\"}{}", "the body is not valid JSON");
    refused("{\"identifier\":\"a\",\"identifier\":\"b\"}", "the body is not valid JSON: duplicate field");
    refused("{\"o\":{\"a\":1,\"a\":2}}", "the body is not valid JSON: duplicate field");
    refused("{\"o\":" + "[".repeat(1_500) + "]".repeat(1_500) + "}", "the body is not valid JSON");
    refused("[]", "the body must be a JSON object");
    refused("\"text\"", "the body must be a JSON object");
    refused("null", "the body must be a JSON object");
    refused("   ", "the body must be a JSON object");
    refused("[1,", "the body is not valid JSON");
    refused("{\"admin\":true}", "unknown field 'admin'");
    refused("{\"" + "x".repeat(50) + "\":1}", "unknown field '" + "x".repeat(40) + "…'");
    refused(Buffer.buffer(new byte[] {'{', '"', 'n', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}),
        "the body is not valid UTF-8");
    // UTF-16 is not UTF-8 even when each of its bytes is ASCII
    refused(Buffer.buffer("{\"n\":1}".getBytes(StandardCharsets.UTF_16BE)), "the body is not valid JSON");
  }
}
