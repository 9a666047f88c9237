package fr.sesame.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.domain.Contacts;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.notify.NotificationService;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The body of {@code POST /v1/notifications}, validated field by field: a bad one is a 400 naming it. */
final class NotificationRequest {
  static final Set<String> FIELDS = Set.of("channel", "to", "template", "lang", "data", "idempotencyKey",
      "electionId");

  private NotificationRequest() {}

  static NotificationService.Request parse(JsonInput in, TemplateCatalog templates) {
    String channelName = in.string("channel", 16);
    ChannelKind channel = ChannelKind.fromWire(channelName).orElseThrow(() ->
        JsonInput.invalid("'channel' must be email, sms, voice or post"));
    String name = in.string("template", 64);
    TemplateCatalog.Spec spec = templates.spec(name).orElseThrow(() ->
        JsonInput.invalid("unknown 'template'; known: login-code, access-codes, access-letter, vote-receipt, "
            + "bureau-alert"));
    if (!spec.channels().contains(channel)) {
      throw JsonInput.invalid("template " + name + " is not sent by " + channel.wireName());
    }
    String rawTo = in.string("to", 254);
    Optional<String> to = switch (channel) {
      case EMAIL -> Contacts.email(rawTo);
      case POST -> Contacts.postalAddress(rawTo);
      default -> Contacts.phone(rawTo, null);
    };
    if (to.isEmpty()) {
      throw JsonInput.invalid(switch (channel) {
        case EMAIL -> "'to' must be an email address";
        case POST -> "'to' must be a French postal address: 2 to 6 lines of at most 38 characters, "
            + "the last one the postal code and town";
        default -> "'to' must be a valid phone number in E.164 form, such as +33612345678";
      });
    }
    String lang = in.lang();
    JsonNode data = in.node("data");
    if (data == null || !data.isObject()) {
      throw JsonInput.invalid("'data' must be an object with the template's fields " + spec.fields());
    }
    Map<String, String> values = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!spec.fields().contains(f.getKey())) {
        throw JsonInput.invalid("'data' has a field the template does not use; it takes " + spec.fields());
      }
      JsonNode v = f.getValue();
      if (!(v.isTextual() || v.isNumber()) || v.asText().length() > 1000) {
        throw JsonInput.invalid("data." + f.getKey() + " must be a string or a number of at most 1000 characters");
      }
      values.put(f.getKey(), v.asText());
    }
    for (String field : spec.fields()) {
      if (!values.containsKey(field)) {
        throw JsonInput.invalid("data." + field + " is required");
      }
    }
    String key = in.string("idempotencyKey", 128);
    String electionId = in.optionalString("electionId", 64);
    if (electionId != null && !Election.ID.matcher(electionId).matches()) {
      throw JsonInput.invalid("'electionId' must be 1 to 64 of A-Z a-z 0-9 _ -");
    }
    return new NotificationService.Request(channel, to.get(), name, lang, values, key, electionId);
  }
}
