package fr.sesame.gateway.auth;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.store.EmargementStore;
import fr.sesame.gateway.store.VoterStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
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
    Future<Map<String, String>> fields = voters.read(voter);
    Future<Boolean> voted = emargements.hasVoted(electionId, voter.pseudonym());
    return Future.all(fields, voted).map(cf -> {
      Map<String, String> f = fields.result();
      if (f.isEmpty()) {
        return Optional.empty();
      }
      String phone = f.containsKey("p") ? cipher.decrypt(f.get("p"), voter.aad("p"))
          : f.containsKey("lp") ? cipher.decrypt(f.get("lp"), voter.aad("lp")) : null;
      String email = f.containsKey("e") ? cipher.decrypt(f.get("e"), voter.aad("e")) : null;
      return Optional.of(new VoterStatus(identifier, f.get("c"), f.containsKey("la"),
          Long.parseLong(f.getOrDefault("f", "0")), instant(f.get("la")), instant(f.get("ll")),
          phone == null ? null : Contacts.maskPhone(phone), email == null ? null : Contacts.maskEmail(email),
          voted.result()));
    });
  }

  /** @return whether the voter was locked; empty when not on the roll */
  public Future<Optional<Boolean>> unlock(String electionId, String identifier, String reason, ClientInfo client) {
    VoterKey voter = keys.of(electionId, identifier);
    return voters.unlock(voter).compose(r -> {
      if (r < 0) {
        return Future.succeededFuture(Optional.empty());
      }
      return audit.record(electionId, AuditEvent.of(clock.instant(), "voter.unlock", client.actor(), client.ip(),
              r == 1 ? "unlocked" : "was-not-locked", "voter", voter.pseudonym(), "reason", reason))
          .map(Optional.of(r == 1));
    });
  }

  /** Decrypts the identity fields stored with a voter ({@code i}, {@code l}, {@code f}, {@code b}). */
  public JsonObject identity(String pseudonym, String identityEnc) {
    VoterKey voter = new VoterKey("", pseudonym);
    return new JsonObject(cipher.decrypt(identityEnc, voter.aad("n")));
  }

  private static Instant instant(String ms) {
    return ms == null ? null : Instant.ofEpochMilli(Long.parseLong(ms));
  }
}
