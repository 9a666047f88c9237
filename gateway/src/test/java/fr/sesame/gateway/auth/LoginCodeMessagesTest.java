package fr.sesame.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.config.OtpConfig;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The login code's messages as the login builds them ({@link LoginService#codeData} into the templates): the exact
 * texts in each channel and language, and an SMS that stays one GSM-7 segment for every code and validity the
 * configuration allows.
 */
class LoginCodeMessagesTest {
  static final TemplateCatalog CATALOG = new TemplateCatalog();

  static Message render(ChannelKind channel, String lang, String code, Duration validity) {
    return CATALOG.render("login-code", channel, lang, "to", LoginService.codeData(code, validity));
  }

  @Test
  void smsInFrenchAndEnglish() {
    assertThat(render(ChannelKind.SMS, "fr", "482913", Duration.ofMinutes(5)).text()).isEqualTo(
        "Sesame : votre code de connexion est 482913. Il expire dans 5 min. Ne le communiquez à personne.");
    assertThat(render(ChannelKind.SMS, "en", "482913", Duration.ofMinutes(5)).text()).isEqualTo(
        "Sesame: your login code is 482913. It expires in 5 min. Do not share it.");
  }

  @Test
  void voiceCallReadsTheDigitsOneByOneTwiceInFrenchAndEnglish() {
    assertThat(render(ChannelKind.VOICE, "fr", "482913", Duration.ofMinutes(5)).text()).isEqualTo(
        "Bonjour. Votre code de connexion Sesame est : 4, 8, 2, 9, 1, 3. Je répète : 4, 8, 2, 9, 1, 3.");
    assertThat(render(ChannelKind.VOICE, "en", "482913", Duration.ofMinutes(5)).text()).isEqualTo(
        "Hello. Your Sesame login code is: 4, 8, 2, 9, 1, 3. I repeat: 4, 8, 2, 9, 1, 3.");
    assertThat(render(ChannelKind.VOICE, "en", "482913", Duration.ofMinutes(5)).lang())
        .as("the language picks the voice").isEqualTo("en");
  }

  @Test
  void emailInFrenchAndEnglish() {
    Message fr = render(ChannelKind.EMAIL, "fr", "482913", Duration.ofMinutes(5));
    assertThat(fr.subject()).isEqualTo("Votre code de connexion");
    assertThat(fr.text()).isEqualTo("""
        Bonjour,

        Votre code de connexion est : 482913
        Il expire dans 5 minutes.

        Si vous n'avez pas demandé ce code, ignorez ce message.""");
    Message en = render(ChannelKind.EMAIL, "en", "482913", Duration.ofMinutes(5));
    assertThat(en.subject()).isEqualTo("Your login code");
    assertThat(en.text()).isEqualTo("""
        Hello,

        Your login code is: 482913
        It expires in 5 minutes.

        If you did not ask for this code, ignore this message.""");
  }

  @Test
  void theLongestCodeAndValidityTheConfigurationAllowsAreTenDigitsAndThirtyMinutes() {
    new OtpConfig(10, Duration.ofMinutes(30), 3, Duration.ofMinutes(30), Duration.ofSeconds(2));
    assertThatThrownBy(() -> new OtpConfig(11, Duration.ofMinutes(5), 3, Duration.ofMinutes(30),
        Duration.ofSeconds(2))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OtpConfig(6, Duration.ofMinutes(31), 3, Duration.ofMinutes(31),
        Duration.ofSeconds(2))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyLoginSmsIsOneGsm7SegmentInBothLanguages() {
    for (String lang : TemplateCatalog.LANGUAGES) {
      for (String code : new String[] {"000000", "9999999999"}) {
        for (Duration validity : new Duration[] {Duration.ofSeconds(30), Duration.ofMinutes(30)}) {
          String text = render(ChannelKind.SMS, lang, code, validity).text();
          OptionalInt septets = Gsm7.septets(text);
          assertThat(septets).as("%s: GSM-7 cannot hold '%s' in: %s", lang, Gsm7.outside(text), text).isPresent();
          assertThat(Gsm7.segments(septets.getAsInt())).as(lang + ", " + septets.getAsInt() + " septets: " + text)
              .isEqualTo(1);
          assertThat(text).as("Ç/ç: 0x09 is read either way").doesNotContain("ç", "Ç");
        }
      }
    }
  }

  @Test
  void theBureauAlertSmsAddsOnlyGsm7Characters() {
    // its election name and alert are the platform's own text (up to 1,000 characters each): only what the
    // template adds is checked here
    for (String lang : TemplateCatalog.LANGUAGES) {
      String text = CATALOG.render("bureau-alert", ChannelKind.SMS, lang, "to",
          Map.of("electionName", "CA", "alert", "x")).text();
      assertThat(Gsm7.septets(text)).as(lang + ": " + text).isPresent();
    }
  }

  @Test
  void theGsm7TableIsTheSpecificationsOneHundredAndTwentyEightPositions() {
    assertThat(Gsm7.BASIC).hasSize(128);
    assertThat(Gsm7.BASIC.indexOf('é')).isEqualTo(0x05);
    assertThat(Gsm7.BASIC.indexOf('É')).isEqualTo(0x1F);
    assertThat(Gsm7.BASIC.indexOf('à')).isEqualTo(0x7F);
    assertThat(Gsm7.BASIC.indexOf('A')).isEqualTo(0x41);
    assertThat(Gsm7.BASIC.indexOf('a')).isEqualTo(0x61);
    assertThat(Gsm7.septets("é è ù à É")).hasValue(9);
    assertThat(Gsm7.septets("€")).hasValue(2);
    for (String outside : new String[] {"ê", "â", "î", "ô", "û", "ç", "Ç", "ë", "ï", "’", "«", "\u00a0"}) {
      assertThat(Gsm7.septets(outside)).as(outside).isEmpty();
    }
    assertThat(Gsm7.segments(160)).isEqualTo(1);
    assertThat(Gsm7.segments(161)).isEqualTo(2);
  }
}
