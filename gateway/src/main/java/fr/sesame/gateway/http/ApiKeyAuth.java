package fr.sesame.gateway.http;

import fr.sesame.gateway.crypto.HashPurpose;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.config.ApiKey;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code Authorization: Bearer <key>}: the key is hashed and compared in constant time with every
 * configured key's hash. No key or an unknown one: 401; a known key of another role: 403.
 */
public final class ApiKeyAuth {
  private static final String ACTOR = "actor";
  private final List<ApiKey> keys;
  private final KeyedHasher hasher;

  public ApiKeyAuth(List<ApiKey> keys, KeyedHasher hasher) {
    this.keys = List.copyOf(keys);
    this.hasher = hasher;
  }

  public Handler<RoutingContext> require(ApiKey.Role first, ApiKey.Role... more) {
    Set<ApiKey.Role> roles = EnumSet.of(first, more);
    return ctx -> {
      ApiKey match = known(ctx.request().getHeader("Authorization"));
      if (!roles.contains(match.role())) {
        throw new ProblemException(ProblemType.FORBIDDEN, "the " + match.role().wireName() + " role may not do this");
      }
      ctx.put(ACTOR, "key:" + match.name());
      ctx.next();
    };
  }

  /** The configured key presented in {@code Authorization: Bearer <key>}; 401 when none or unknown. */
  private ApiKey known(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() > 512) {
      throw new ProblemException(ProblemType.UNAUTHORIZED, "send Authorization: Bearer <API key>");
    }
    byte[] presented = hasher.hash(HashPurpose.API_KEY, header.substring(7).trim());
    ApiKey match = null;
    for (ApiKey k : keys) {
      if (KeyedHasher.equal(k.keyHash(), presented)) {
        match = k; // no early exit: every key is compared
      }
    }
    if (match == null) {
      throw new ProblemException(ProblemType.UNAUTHORIZED, "unknown API key");
    }
    return match;
  }

  /** The caller: its IP and, behind an API key, the key's name. */
  public static ClientInfo client(RoutingContext ctx) {
    String actor = ctx.get(ACTOR);
    var address = ctx.request().remoteAddress();
    String ip = address == null ? "" : address.hostAddress();
    return new ClientInfo(ip == null ? "" : ip, actor == null ? "" : actor);
  }
}
