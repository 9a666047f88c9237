package fr.sesame.gateway.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.auth.VoterKeys;
import fr.sesame.gateway.crypto.CipherContext.NotificationField;
import fr.sesame.gateway.crypto.CipherContext.VoterField;
import fr.sesame.gateway.domain.SecretKind;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Data written by release 0.1 (commit 90a0556, dev mode, demo election) still decrypts and still hashes the same:
 * {@code fixtures/redis-written-by-90a0556.json} is what that release left in Redis after a login with a phone
 * given at login and an access-codes email. The encryption and hash contexts are frozen constants
 * ({@link CipherContext}, {@link HashPurpose}), so the store's keys can be renamed or re-slotted without losing
 * a byte; this test fails if a context ever changes.
 */
class CipherContextFixtureTest {
  /** The public dev-mode keys of that release (never valid outside dev mode). */
  private static final byte[] HASH_KEY = Base64.getDecoder()
      .decode("ZGV2LW9ubHktaGFzaC1rZXktZG8tbm90LXVzZS1pbi1wcm9kdWN0aW9uISE=");
  private static final byte[] DATA_KEY = Base64.getDecoder().decode("ZGV2LW9ubHktZGF0YS1rZXktMzItYnl0ZXMtbG9uZyE=");
  private final KeyedHasher hasher = new KeyedHasher(HASH_KEY);
  private final FieldCipher cipher = new FieldCipher(DATA_KEY);
  private final VoterKeys keys = new VoterKeys(hasher, new RandomTokens());
  private final JsonObject stored = fixture();

  @Test
  void votersPseudonymsAndSecretHashesAreThoseTheReleaseWrote() {
    String alice = keys.of("demo", "alice").pseudonym();
    JsonObject voter = voter(alice);
    assertThat(voter.getString("c")).isEqualTo("etudiants");
    assertThat(voter.getString("s"))
        .isEqualTo(hasher.hashText(HashPurpose.SECRET, "demo", "alice", SecretKind.canonical("20231234")));
  }

  @Test
  void votersFieldsDecryptUnderTheFrozenContexts() {
    String alice = keys.of("demo", "alice").pseudonym();
    JsonObject a = voter(alice);
    assertThat(cipher.decrypt(a.getString("p"), CipherContext.voter(alice, VoterField.PHONE))).isEqualTo("+33612345678");
    assertThat(cipher.decrypt(a.getString("e"), CipherContext.voter(alice, VoterField.EMAIL)))
        .isEqualTo("alice.martin@univ-demo.fr");
    assertThat(new JsonObject(cipher.decrypt(a.getString("n"), CipherContext.voter(alice, VoterField.IDENTITY)))
        .getString("i")).isEqualTo("alice");

    String bruno = keys.of("demo", "bruno").pseudonym();
    assertThat(cipher.decrypt(voter(bruno).getString("lp"), CipherContext.voter(bruno, VoterField.LOGIN_PHONE)))
        .isEqualTo("+33655443322");
    // every encrypted field of every voter of the fixture decrypts, each only under its own field's context
    int decrypted = 0;
    for (Map.Entry<String, Object> e : stored) {
      if (!e.getKey().startsWith("gw:{v:")) {
        continue;
      }
      String pseudonym = e.getKey().substring("gw:{v:".length(), e.getKey().length() - 1);
      JsonObject fields = (JsonObject) e.getValue();
      for (VoterField field : VoterField.values()) {
        if (fields.containsKey(field.frozenName())) {
          assertThat(cipher.decrypt(fields.getString(field.frozenName()), CipherContext.voter(pseudonym, field)))
              .as(e.getKey() + " " + field).isNotBlank();
          decrypted++;
        }
      }
    }
    // 5 identities, 4 emails, 3 roll phones, 1 phone given at login (the hash fields happen to be named as the AAD)
    assertThat(decrypted).isEqualTo(13);
  }

  /**
   * Every hash purpose's label, pinned: these values were computed with release 0.1's own KeyedHasher (the dev
   * hash key, its jar at 90a0556), so a changed label or input encoding fails here.
   */
  @Test
  void everyHashPurposeGivesWhatReleaseZeroPointOneGave() {
    assertThat(hasher.hashText(HashPurpose.VOTER, "demo", "alice"))
        .isEqualTo("seomlp1nrJwq0CxvLDOMgRtoJMJXiFoD_4A_XnJ45nc");
    assertThat(hasher.hashText(HashPurpose.SECRET, "demo", "alice", "20231234"))
        .isEqualTo("72zCjPA3tW2NWCQeMtT0vGh3NhdczVEpDWgfDpTvHKs");
    assertThat(hasher.hashText(HashPurpose.OTP, "demo", "challenge", "123456"))
        .isEqualTo("KRSKmhu9SjjcwmRFDD7QQ4NuHFHvJcGqltIoNdnzc_0");
    assertThat(hasher.hashText(HashPurpose.SESSION, "token")).isEqualTo("FZr7hmyZSH5xOVo7I45oiTTLcuKITdCJDp4mNfi-9r8");
    assertThat(hasher.hashText(HashPurpose.PHONE_CLAIM, "demo", "+33655443322"))
        .isEqualTo("cgMELYln74aC7lPl439xsfGe56EFJCFRjN8QgMs6NlE");
    assertThat(hasher.hashText(HashPurpose.NOTIFY_IDEMPOTENCY, "key:platform", "idem-1"))
        .isEqualTo("THGpokFaWxLa5ehHyJTZgcN6PxAOxzT-ID6p6vCV3vA");
    assertThat(hasher.hashText(HashPurpose.PHONE_CAP, "+33612345678"))
        .isEqualTo("1VrhfP0mvIeZF84Ne-1Hb3jJX99YbjsfEVeOxMrxBdE");
    assertThat(hasher.hashText(HashPurpose.API_KEY, "dev-admin")).isEqualTo("M6Y0QJmm1B4tE6vY_5Gfn4cvAze96Gm_HBwrw_tEvfw");
    // issue 12: not in release 0.1, pinned from its first release on
    assertThat(hasher.hashText(HashPurpose.LOGIN_IDEMPOTENCY, "demo", "secret", "key-1"))
        .isEqualTo("Fp2qcHpCXuhcsH9wStxJdfGlvBrviopF4PFtm4-IluM");
    // issue 14: the OpenID Connect provider's, pinned from their first release on (a pairwise subject that
    // changed would make every platform see its voters as new ones)
    assertThat(hasher.hashText(HashPurpose.OIDC_SUBJECT, "urne", "demo", "pseudonym"))
        .isEqualTo("SXFfo6tPH7j_t4FzYiV0oZVP747Pgwga-OUyE-JuiOY");
    assertThat(hasher.hashText(HashPurpose.OIDC_CLIENT_SECRET, "urne", "secret"))
        .isEqualTo("RscIjFq-x9nzoHL7w90CzLVnu398RDHc6MJiLx8xDjo");
    assertThat(hasher.hashText(HashPurpose.OIDC_CODE, "code")).isEqualTo("9rLRHaGUXXXdSiS2QN3Qs_xEnBj7mW3Awt0Idzv3d2s");
    assertThat(hasher.hashText(HashPurpose.OIDC_BROWSER, "browser"))
        .isEqualTo("SfJLKveALqHLPyu6pOB-5_uVw6KW5fIzMyAutDCkxqs");
    assertThat(hasher.hashText(HashPurpose.CSRF, "browser", "flow")).isEqualTo("QysGblQcIndW4mcXEUOJxjq3k0zJBwPrG-s5A1lfVno");
    assertThat(hasher.hashText(HashPurpose.OIDC_JTI, "urne", "jti")).isEqualTo("5U7MoVEkayOP_TXjUOqmqvMsQsXGX7LUhkrUrm-2wNQ");
    assertThat(CipherContext.loginCode("demo/challenge")).isEqualTo("login-code|demo/challenge");
    // issue 15: the roll's postal address, pinned from its first release on
    assertThat(CipherContext.voter("P", VoterField.POSTAL_ADDRESS)).isEqualTo("gw:{v:P}|a");
    assertThat(VoterField.values()).hasSize(5); // a new voter field gets its own pinned line here
    assertThat(hasher.hashText(HashPurpose.STAFF, "agent@univ.fr")).isEqualTo("hsk_rx3i9jleS2eXd0REy_VqR0vp5DQeBfHsGMyZUBg");
    assertThat(hasher.hashText(HashPurpose.STAFF_TOKEN, "s", "token")).isEqualTo("qOVyz8X_rCfX9JRBE6H4SaR5w3Jvfkbg9lf9L0RIFKM");
    // issue 16: a configuration secret's fingerprint in a seal's manifest
    assertThat(hasher.hashText(HashPurpose.SEAL_CONFIG, "secret")).isEqualTo("JNA9x54iND8Jdhebg2RPX5HvSQwSH85apX4Fa2HegdY");
    // issue 17: a waiting ticket's signature (never stored, but tickets cross instances and restarts)
    assertThat(hasher.hashText(HashPurpose.ADMISSION_TICKET, "demo", "alice", "1764500000000"))
        .isEqualTo("aBl3You43prVxfi8LkYgIljcYMLgos2ZKdB3ncEja-s");
    assertThat(HashPurpose.values()).hasSize(19); // a new purpose gets its own pinned line here
  }

  @Test
  void aPhoneClaimIsFoundUnderTheSameHash() {
    String claim = "gw:{ph:" + hasher.hashText(HashPurpose.PHONE_CLAIM, "demo", "+33655443322") + "}";
    assertThat(stored.getString(claim)).isEqualTo("gw:{v:" + keys.of("demo", "bruno").pseudonym() + "}");
  }

  @Test
  void notificationContentsDecryptUnderTheFrozenContexts() {
    JsonObject email = content("nmnJW9ETvLSOODr81hUhPQ");
    assertThat(cipher.decrypt(email.getString("to"),
        CipherContext.notification("nmnJW9ETvLSOODr81hUhPQ", NotificationField.RECIPIENT))).isEqualTo("voter@example.org");
    assertThat(new JsonObject(cipher.decrypt(email.getString("d"),
        CipherContext.notification("nmnJW9ETvLSOODr81hUhPQ", NotificationField.DATA))).getString("electionName"))
        .isEqualTo("Démo");
    JsonObject sms = content("rpQTDMKMzVMbetmRfV3Xhg");
    assertThat(cipher.decrypt(sms.getString("to"),
        CipherContext.notification("rpQTDMKMzVMbetmRfV3Xhg", NotificationField.RECIPIENT))).isEqualTo("+33655443322");
    assertThat(new JsonObject(cipher.decrypt(sms.getString("d"),
        CipherContext.notification("rpQTDMKMzVMbetmRfV3Xhg", NotificationField.DATA))).getString("code"))
        .matches("[0-9]{6}");
  }

  /** Issue 16: an email's attachments (the sealing PDF) are encrypted under their own frozen context. */
  @Test
  void attachmentsHaveTheirOwnFrozenContext() {
    assertThat(CipherContext.notification("nmnJW9ETvLSOODr81hUhPQ", NotificationField.ATTACHMENTS))
        .isEqualTo("gw:{nt}:c:nmnJW9ETvLSOODr81hUhPQ|f");
    assertThat(NotificationField.values()).hasSize(3); // a new field gets its own pinned line here
    String enc = cipher.encrypt("[]", CipherContext.notification("x", NotificationField.ATTACHMENTS));
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
        cipher.decrypt(enc, CipherContext.notification("x", NotificationField.DATA))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aContextOfAnotherFieldDoesNotDecrypt() {
    String alice = keys.of("demo", "alice").pseudonym();
    String phone = voter(alice).getString("p");
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
        cipher.decrypt(phone, CipherContext.voter(alice, VoterField.LOGIN_PHONE))).isInstanceOf(IllegalStateException.class);
  }

  private JsonObject voter(String pseudonym) {
    return stored.getJsonObject("gw:{v:" + pseudonym + "}");
  }

  private JsonObject content(String notificationId) {
    return stored.getJsonObject("gw:{nt}:c:" + notificationId);
  }

  private static JsonObject fixture() {
    try (InputStream in = CipherContextFixtureTest.class.getResourceAsStream("/fixtures/redis-written-by-90a0556.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
