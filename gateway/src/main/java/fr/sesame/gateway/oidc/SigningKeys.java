package fr.sesame.gateway.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.store.OidcStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The provider's signing keys: one current key per algorithm (ES256, RS256), and the retired ones, still
 * published in the JWK set until every ID token they signed has expired. Kept in Redis, their private part
 * encrypted with the data key, so every gateway instance signs with the same keys; each instance reloads them
 * every minute (a rotation made on one reaches the others within that minute; until then, both keys are
 * published, so either verifies).
 */
public final class SigningKeys {
  /** One key as stored. */
  record Entry(String kid, JWSAlgorithm alg, JWK key, Instant created, Instant activates, Instant retired) {
    /** Whether it signs new tokens at {@code now}: activated, not yet retired. */
    boolean signsAt(Instant now) {
      return !activates.isAfter(now) && (retired == null || retired.isAfter(now));
    }

    JsonObject toJson(FieldCipher cipher) {
      return new JsonObject().put("kid", kid).put("alg", alg.getName()).put("created", created.getEpochSecond())
          .put("activates", activates.getEpochSecond())
          .put("retired", retired == null ? null : retired.getEpochSecond())
          .put("key", cipher.encrypt(key.toJSONString(), "oidc-key:" + kid));
    }

    static Entry fromJson(JsonObject json, FieldCipher cipher) {
      String kid = json.getString("kid");
      try {
        JWK key = JWK.parse(cipher.decrypt(json.getString("key"), "oidc-key:" + kid));
        Long retired = json.getLong("retired");
        Instant created = Instant.ofEpochSecond(json.getLong("created"));
        return new Entry(kid, JWSAlgorithm.parse(json.getString("alg")), key, created,
            Instant.ofEpochSecond(json.getLong("activates", created.getEpochSecond())),
            retired == null ? null : Instant.ofEpochSecond(retired));
      } catch (java.text.ParseException e) {
        throw new IllegalStateException("signing key " + kid + " unreadable", e);
      }
    }
  }

  private final OidcStore store;
  private final FieldCipher cipher;
  private final Clock clock;
  private final Duration published;
  private volatile List<Entry> entries = List.of();
  private final java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SigningKeys.class);

  /**
   * @param published how long a retired key stays in the JWK set: the ID tokens' lifetime, plus a margin for
   *                  clocks and caches
   */
  public SigningKeys(OidcStore store, FieldCipher cipher, Clock clock, Duration idTokenTtl) {
    this.store = store;
    this.cipher = cipher;
    this.clock = clock;
    this.published = idTokenTtl.plus(Duration.ofMinutes(5));
  }

  /** Reads the stored keys, making a current one for each algorithm that has none. */
  public Future<Void> load() {
    return store.signingKeys().compose(stored -> {
      List<Entry> read = read(stored);
      List<Future<Boolean>> added = new ArrayList<>();
      for (JWSAlgorithm alg : RelyingParty.ALGORITHMS) {
        if (read.stream().noneMatch(e -> e.alg().equals(alg) && (e.retired() == null
            || e.retired().isAfter(clock.instant())))) {
          Entry fresh = generate(alg, clock.instant());
          added.add(store.addSigningKey(fresh.kid(), fresh.toJson(cipher).encode()));
        }
      }
      if (added.isEmpty()) {
        entries = read;
        return Future.succeededFuture();
      }
      return Future.all(added).compose(v -> store.signingKeys()).map(again -> {
        entries = read(again);
        return null;
      });
    });
  }

  /**
   * How long after a rotation the new keys start signing: every instance reloads the keys within a minute, and
   * relying parties may keep the JWK set a minute ({@code max-age}); so the new keys are published everywhere
   * before any token they sign reaches a client.
   */
  public static final Duration ACTIVATION_DELAY = Duration.ofMinutes(3);

  /**
   * Makes new keys, published at once and signing from {@link #ACTIVATION_DELAY} on; the current keys sign
   * until then, and stay published until their last token expires.
   * @return the new keys' ids
   */
  public Future<List<String>> rotate() {
    Instant now = clock.instant();
    Instant switchAt = now.plus(ACTIVATION_DELAY);
    List<Future<Void>> writes = new ArrayList<>();
    List<String> kids = new ArrayList<>();
    for (JWSAlgorithm alg : RelyingParty.ALGORITHMS) {
      Entry fresh = generate(alg, switchAt);
      kids.add(fresh.kid());
      writes.add(store.addSigningKey(fresh.kid(), fresh.toJson(cipher).encode()).mapEmpty());
    }
    for (Entry e : entries) {
      if (e.retired() == null || e.retired().isAfter(switchAt)) {
        writes.add(store.putSigningKey(e.kid(), new Entry(e.kid(), e.alg(), e.key(), e.created(), e.activates(),
            switchAt).toJson(cipher).encode()));
      }
    }
    return Future.all(writes).compose(v -> load()).map(kids);
  }

  /** The key that signs new tokens with {@code alg}. */
  public JWK signingKey(JWSAlgorithm alg) {
    return current(entries, alg, clock.instant())
        .orElseThrow(() -> new IllegalStateException("no " + alg + " key loaded")).key();
  }

  /**
   * The public JWK set: the keys about to sign (from a rotation), the current ones, and the retired ones still
   * within their tokens' lifetime.
   */
  public JWKSet publicSet() {
    Instant now = clock.instant();
    List<JWK> keys = new ArrayList<>();
    for (Entry e : entries) {
      if (e.retired() == null || e.retired().plus(published).isAfter(now)) {
        keys.add(e.key().toPublicJWK());
      }
    }
    return new JWKSet(keys);
  }

  /**
   * The public JWK set as Redis holds it now (reloaded first): what one instance serves lists the keys every
   * instance signs with, even a key another instance made a moment ago (two first starts at once each make one).
   */
  public Future<JWKSet> publishedNow() {
    return load().map(v -> publicSet());
  }

  private List<Entry> read(Map<String, String> stored) {
    List<Entry> read = new ArrayList<>();
    for (Map.Entry<String, String> e : stored.entrySet()) {
      try {
        read.add(Entry.fromJson(new JsonObject(e.getValue()), cipher));
      } catch (RuntimeException unreadable) {
        // written with another data key (a key changed, or another deployment on this Redis): it can sign
        // nothing here; a key of this deployment's is made in its place
        if (warned.add(e.getKey())) {
          LOG.warn("signing key {} cannot be read with this data key: ignored", e.getKey());
        }
      }
    }
    read.sort(Comparator.comparing(Entry::created).thenComparing(Entry::kid));
    return List.copyOf(read);
  }

  /** The newest key of {@code alg} signing at {@code now}: two instances that made one each at once agree on it. */
  private static Optional<Entry> current(List<Entry> entries, JWSAlgorithm alg, Instant now) {
    return entries.stream().filter(e -> e.alg().equals(alg) && e.signsAt(now))
        .max(Comparator.comparing(Entry::activates).thenComparing(Entry::created).thenComparing(Entry::kid));
  }

  private Entry generate(JWSAlgorithm alg, Instant activates) {
    String kid = UUID.randomUUID().toString();
    Instant now = clock.instant();
    try {
      JWK key = JWSAlgorithm.ES256.equals(alg)
          ? new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(alg).generate()
          : new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(alg).generate();
      return new Entry(kid, alg, key, now, activates, null);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate a " + alg + " key", e);
    }
  }
}
