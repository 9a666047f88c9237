package fr.sesame.gateway.auth;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.config.SessionConfig;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.gateway.metrics.GatewayMetrics;
import fr.sesame.gateway.store.EmargementStore;
import fr.sesame.gateway.store.SessionStore;
import fr.sesame.gateway.store.SessionStore.ActiveSession;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** Sessions as the voting platform sees them: introspection, logout, and the émargement. */
public final class SessionService {
  /** An active session (RFC 7662 fields). {@code exp} is in epoch seconds. */
  public record Introspection(String electionId, String voterId, String college, long exp, ActiveSession session) {}

  /** What recording a vote gave. */
  public sealed interface EmargementOutcome {
    /** Recorded; {@code repeat}: this session had already recorded it (a retry), {@code votedAt} is that time. */
    record Recorded(Instant votedAt, boolean repeat) implements EmargementOutcome {}

    record AlreadyVoted() implements EmargementOutcome {}

    record InactiveSession() implements EmargementOutcome {}

    /** The election is closed for this session: past the close and opened after it, or past the grace period. */
    record Closed() implements EmargementOutcome {}
  }

  private final SessionStore sessions;
  private final EmargementStore emargements;
  private final AuditTrail audit;
  private final VoterKeys keys;
  private final Clock clock;
  private final SessionConfig config;
  private final GatewayMetrics metrics;

  public SessionService(SessionStore sessions, EmargementStore emargements, AuditTrail audit, VoterKeys keys,
                        Clock clock, SessionConfig config, GatewayMetrics metrics) {
    this.sessions = sessions;
    this.emargements = emargements;
    this.audit = audit;
    this.keys = keys;
    this.clock = clock;
    this.config = config;
    this.metrics = metrics;
  }

  /** @return the session when active (its inactivity timer slides), empty otherwise */
  public Future<Optional<Introspection>> introspect(String token) {
    Optional<VoterKey> voter = keys.fromSessionToken(token);
    if (voter.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    Instant now = clock.instant();
    return sessions.touch(voter.get(), keys.sessionKeyHash(token), now.toEpochMilli(), config.idleTimeout().toMillis())
        .map(s -> s.map(a -> new Introspection(a.electionId(), voter.get().pseudonym(), a.college(),
            now.plus(config.idleTimeout()).getEpochSecond(), a)));
  }

  /** Ends a session; @return false when it was not active */
  public Future<Boolean> logout(String token, ClientInfo client) {
    Optional<VoterKey> voter = keys.fromSessionToken(token);
    if (voter.isEmpty()) {
      return Future.succeededFuture(false);
    }
    return sessions.end(voter.get(), keys.sessionKeyHash(token)).compose(ended -> {
      if (ended.isEmpty()) {
        return Future.succeededFuture(false);
      }
      return audit.record(ended.get().electionId(), AuditEvent.of(clock.instant(), "session.end",
          "voter:" + voter.get().pseudonym(), client.ip(), "logout", "session", ended.get().sessionId())).map(true);
    });
  }

  /**
   * Records that the session's voter has voted in {@code electionId}: once, even when two calls race. A repeat
   * by the same session (the platform retrying) answers the first record, audited as "repeated".
   * After the close, only a session opened before it may, until the grace period ends
   * ({@link Election#acceptsEmargement}).
   * @param voterIp the voter's IP as the platform saw it, or null to use the IP the session was opened from
   */
  public Future<EmargementOutcome> emarge(Election election, String token, String voterIp, ClientInfo client) {
    String electionId = election.id();
    return introspect(token).compose(found -> {
      if (found.isEmpty() || !found.get().electionId().equals(electionId)) {
        metrics.emargement("inactive-session");
        return Future.succeededFuture(new EmargementOutcome.InactiveSession());
      }
      Introspection s = found.get();
      Instant now = clock.instant();
      if (!election.acceptsEmargement(now, Instant.ofEpochMilli(s.session().openedAtMs()))) {
        metrics.emargement("closed");
        return Future.succeededFuture(new EmargementOutcome.Closed());
      }
      String ip = voterIp != null ? voterIp : s.session().ip();
      String record = fr.sesame.gateway.domain.JsonText.encode(new JsonObject().put("t", now.toEpochMilli())
          .put("ip", ip).put("sid", s.session().sessionId()).put("c", s.college()));
      return emargements.record(electionId, s.voterId(), s.session().sessionId(), now.toEpochMilli(), record)
          .compose(r -> {
            String name = switch (r.kind()) {
              case RECORDED -> "recorded";
              case REPEATED -> "repeated";
              case ALREADY_VOTED -> "already-voted";
            };
            metrics.emargement(name);
            EmargementOutcome outcome = r.kind() == EmargementStore.Recording.Kind.ALREADY_VOTED
                ? new EmargementOutcome.AlreadyVoted()
                : new EmargementOutcome.Recorded(Instant.ofEpochMilli(r.votedAtMs()),
                    r.kind() == EmargementStore.Recording.Kind.REPEATED);
            return audit.record(electionId, AuditEvent.of(now, "emargement", client.actor(), client.ip(), name,
                "voter", s.voterId(), "session", s.session().sessionId())).map(outcome);
          });
    });
  }
}
