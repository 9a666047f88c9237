package fr.sesame.gateway;

import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.auth.LoginService;
import fr.sesame.gateway.auth.SessionService;
import fr.sesame.gateway.auth.SupportService;
import fr.sesame.gateway.http.ApiRouter;
import fr.sesame.gateway.store.redis.RedisAuditStore;
import fr.sesame.gateway.store.redis.RedisElectionStore;
import fr.sesame.gateway.store.redis.RedisVoterStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;

/**
 * One event loop serving the API. Several instances share the port, the election cache and the audit trail;
 * each has its own Redis connection (through the shared {@code RedisAccess}) and its own hash chain per
 * election (the trail keeps one per thread).
 */
final class HttpVerticle extends VerticleBase {
  private final Shared shared;

  HttpVerticle(Shared shared) {
    this.shared = shared;
  }

  @Override
  public Future<?> start() {
    var config = shared.config();
    RedisVoterStore voters = new RedisVoterStore(shared.redis());
    RedisElectionStore electionStore = new RedisElectionStore(shared.redis());
    RedisAuditStore auditStore = new RedisAuditStore(shared.redis());
    AuditTrail audit = shared.audit();
    LoginService logins = new LoginService(voters, shared.notifications(), audit, shared.keys(), shared.hasher(),
        shared.cipher(), shared.random(), shared.clock(), config.lockout(), config.otp(), config.session(),
        shared.metrics(), new fr.sesame.gateway.auth.LoginLimits(config.limits()));
    SessionService sessions = new SessionService(voters, electionStore, audit, shared.keys(), shared.clock(),
        config.session(), shared.metrics());
    SupportService support = new SupportService(voters, electionStore, audit, shared.keys(), shared.cipher(),
        shared.clock());
    var router = ApiRouter.create(vertx, new ApiRouter.Services(config, shared.clock(), logins, sessions, support,
        shared.elections(), voters, electionStore, audit, auditStore, shared.keys(), shared.hasher(), shared.cipher(),
        shared.metrics(), shared.registry(), shared.redis(), shared.devOutbox(), shared.notifications(),
        shared.templates(), shared.notifier()));
    return vertx.createHttpServer(new HttpServerOptions().setPort(config.http().port()).setHost(config.http().host())
            .setIdleTimeout(120).setCompressionSupported(false)
            // the roll upload streams its body itself: answer "Expect: 100-continue" for it
            .setHandle100ContinueAutomatically(true))
        .requestHandler(router)
        .listen();
  }
}
