package fr.sesame.gateway.auth;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.crypto.CipherContext;
import fr.sesame.gateway.crypto.CipherContext.VoterField;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Contacts;
import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.gateway.store.EmargementStore;
import fr.sesame.gateway.store.VoterStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** What support agents see of a voter and what they may do: unlock. */
public final class SupportService {
  /** A voter's status as support sees it; contacts are masked. */
  public record VoterStatus(String identifier, String college, boolean locked, long failedAttempts, Instant lockedAt,
                            Instant lastLoginAt, String maskedPhone, String maskedEmail, boolean hasVoted) {}

  private final VoterStore voters;
  private final EmargementStore emargements;
  private final AuditTrail audit;
  private final VoterKeys keys;
  private final FieldCipher cipher;
  private final Clock clock;

  public SupportService(VoterStore voters, EmargementStore emargements, AuditTrail audit, VoterKeys keys,
                        FieldCipher cipher, Clock clock) {
    this.voters = voters;
    this.emargements = emargements;
    this.audit = audit;
    this.keys = keys;
    this.cipher = cipher;
    this.clock = clock;
  }

  /** @return the voter's status, empty when the identifier is not on this election's roll */
  public Future<Optional<VoterStatus>> status(String electionId, String identifier) {
    VoterKey voter = keys.of(electionId, identifier);
    Future<Optional<VoterStore.VoterRecord>> fields = voters.read(voter);
    Future<Boolean> voted = emargements.hasVoted(electionId, voter.pseudonym());
    return Future.all(fields, voted).map(cf -> {
      if (fields.result().isEmpty()) {
        return Optional.empty();
      }
      VoterStore.VoterRecord v = fields.result().get();
      String p = voter.pseudonym();
      String phone = v.phoneEnc() != null ? cipher.decrypt(v.phoneEnc(), CipherContext.voter(p, VoterField.PHONE))
          : v.loginPhoneEnc() != null ? cipher.decrypt(v.loginPhoneEnc(), CipherContext.voter(p, VoterField.LOGIN_PHONE))
          : null;
      String email = v.emailEnc() != null ? cipher.decrypt(v.emailEnc(), CipherContext.voter(p, VoterField.EMAIL))
          : null;
      return Optional.of(new VoterStatus(identifier, v.college(), v.locked(), v.failures(), instant(v.lockedAtMs()),
          instant(v.lastLoginMs()), phone == null ? null : Contacts.maskPhone(phone),
          email == null ? null : Contacts.maskEmail(email), voted.result()));
    });
  }

  /** @return whether the voter was locked; empty when not on the roll */
  public Future<Optional<Boolean>> unlock(String electionId, String identifier, String reason, ClientInfo client) {
    VoterKey voter = keys.of(electionId, identifier);
    return voters.unlock(voter).compose(r -> {
      if (r == VoterStore.UnlockResult.NOT_ON_ROLL) {
        return Future.succeededFuture(Optional.empty());
      }
      boolean was = r == VoterStore.UnlockResult.WAS_LOCKED;
      return audit.record(electionId, AuditEvent.of(clock.instant(), "voter.unlock", client.actor(), client.ip(),
              was ? "unlocked" : "was-not-locked", "voter", voter.pseudonym(), "reason", reason))
          .map(Optional.of(was));
    });
  }

  /** Decrypts the identity fields stored with a voter ({@code i}, {@code l}, {@code f}, {@code b}). */
  public JsonObject identity(String pseudonym, String identityEnc) {
    return new JsonObject(cipher.decrypt(identityEnc, CipherContext.voter(pseudonym, VoterField.IDENTITY)));
  }

  private static Instant instant(long ms) {
    return ms == 0 ? null : Instant.ofEpochMilli(ms);
  }
}
