package fr.sesame.channels.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.sesame.channels.provider.mailjet.MailjetEmailProvider;
import fr.sesame.channels.provider.ovh.OvhSmsProvider;
import fr.sesame.channels.DeliveryReports.Call;
import fr.sesame.channels.DeliveryReports.Report;
import fr.sesame.channels.support.FixedContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each provider's delivery-report webhook says, as its documentation describes the calls. */
class DeliveryReportParsingTest {
  final OvhSmsProvider ovh = new OvhSmsProvider("ovh", null, "http://x", "s", "S", 10, "a", "b", "c",
      FixedContext.CLOCK);
  final MailjetEmailProvider mailjet = new MailjetEmailProvider("mailjet", null, "a@b.fr", "S",
      FixedContext.CLOCK);

  static Call get(Map<String, String> query) {
    return new Call("GET", query, "");
  }

  @Test
  void ovhDeliveredFailedAndIntermediate() {
    assertThat(ovh.reports(get(Map.of("id", "1001", "ptt", "0", "description", "1", "descriptionDlr", "Success"))))
        .containsExactly(new Report("1001", true, "OVH DLR 1 (ptt 0)"));
    assertThat(ovh.reports(get(Map.of("id", "1002", "description", "2")))).extracting(Report::delivered)
        .containsExactly(false);
    assertThat(ovh.reports(get(Map.of("id", "1003", "description", "16")))).extracting(Report::delivered)
        .containsExactly(false);
    for (String intermediate : List.of("0", "4", "8")) {
      assertThat(ovh.reports(get(Map.of("id", "1004", "description", intermediate)))).isEmpty();
    }
    assertThatThrownBy(() -> ovh.reports(get(Map.of("description", "1")))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ovh.reports(get(Map.of("id", "1", "description", "99"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mailjetEventsOneOrMany() {
    String many = "[{\"event\":\"sent\",\"Message_GUID\":\"g-1\",\"email\":\"a@b.fr\"},"
        + "{\"event\":\"bounce\",\"Message_GUID\":\"g-2\",\"hard_bounce\":true,\"error\":\"user unknown\"},"
        + "{\"event\":\"open\",\"Message_GUID\":\"g-3\"},{\"event\":\"blocked\",\"Message_GUID\":\"g-4\"}]";
    List<Report> reports = mailjet.reports(new Call("POST", Map.of(), many));
    assertThat(reports).extracting(Report::providerMessageId).containsExactly("g-1", "g-2", "g-4");
    assertThat(reports).extracting(Report::delivered).containsExactly(true, false, false);
    assertThat(reports.get(1).reason()).contains("hard").contains("user unknown");
    assertThat(mailjet.reports(new Call("POST", Map.of(), "{\"event\":\"sent\",\"Message_GUID\":\"g-9\"}")))
        .hasSize(1);
    assertThatThrownBy(() -> mailjet.reports(new Call("POST", Map.of(), "not json")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
