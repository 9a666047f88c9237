package fr.sesame.gateway.http.console;

import com.fasterxml.jackson.databind.JsonNode;
import fr.sesame.gateway.config.ApiKey.Role;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.ApiKeyAuth;
import fr.sesame.gateway.http.ApiRouter;
import fr.sesame.gateway.http.JsonInput;
import fr.sesame.gateway.http.RouteGroup;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.gateway.staff.StaffRole;
import fr.sesame.gateway.staff.StaffService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The admin API for staff accounts (the machines' key; organisers will do it from their console): invite a
 * person with roles in elections, unlock an account.
 */
public final class StaffHandlers implements RouteGroup {
  private static final Set<String> INVITE_FIELDS = Set.of("email", "name", "roles", "lang", "phone");
  private static final Set<String> UNLOCK_FIELDS = Set.of("email", "reason");
  /** A practical email shape: something, one @, a domain with a dot; no spaces or angle brackets. */
  static final Pattern EMAIL = Pattern.compile("[^@\\s<>\"]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z]{2,63}");
  private final StaffService staff;
  private final ElectionService elections;
  private final ApiKeyAuth auth;

  public StaffHandlers(StaffService staff, ElectionService elections, ApiKeyAuth auth) {
    this.staff = staff;
    this.elections = elections;
    this.auth = auth;
  }

  @Override
  public void mount(Router router, Routes routes) {
    routes.json(router.post("/v1/admin/staff"), "admin-staff-invite", auth.require(Role.ADMIN), this::invite);
    routes.json(router.post("/v1/admin/staff/unlock"), "admin-staff-unlock", auth.require(Role.ADMIN), this::unlock);
  }

  private void invite(RoutingContext ctx) {
    JsonInput in = JsonInput.read(ctx, INVITE_FIELDS);
    String email = in.matching("email", EMAIL, "an email address");
    String name = in.string("name", 128).strip();
    if (name.isEmpty()) {
      throw JsonInput.invalid("'name' must not be blank");
    }
    String lang = in.lang();
    JsonNode phoneNode = in.node("phone");
    if (phoneNode != null && !phoneNode.isNull() && (!phoneNode.isTextual() || phoneNode.textValue().length() > 32)) {
      throw JsonInput.invalid("'phone' must be a mobile phone number (e.g. 06 12 34 56 78 or +33612345678)");
    }
    String typed = phoneNode == null || phoneNode.isNull() || phoneNode.textValue().isBlank() ? null
        : phoneNode.textValue();
    JsonNode roles = in.node("roles");
    if (roles == null || !roles.isArray() || roles.isEmpty() || roles.size() > 100) {
      throw JsonInput.invalid("'roles' must be a list of 1 to 100 {election, role}");
    }
    Map<String, StaffRole> asked = new LinkedHashMap<>();
    for (JsonNode r : roles) {
      JsonNode e = r.get("election");
      JsonNode role = r.get("role");
      if (!r.isObject() || r.size() != 2 || e == null || !e.isTextual() || !Election.ID.matcher(e.textValue()).matches()
          || role == null || !role.isTextual() || StaffRole.fromWire(role.textValue()).isEmpty()) {
        throw JsonInput.invalid("each role is {\"election\": an election id, \"role\": support, organiser, bureau,"
            + " expert}");
      }
      asked.put(e.textValue(), StaffRole.fromWire(role.textValue()).orElseThrow());
    }
    List<Future<Election>> found = new ArrayList<>();
    for (String election : asked.keySet()) {
      found.add(elections.find(election).compose(f -> f.isPresent() ? Future.succeededFuture(f.get())
          : Future.failedFuture(new ProblemException(ProblemType.ELECTION_NOT_FOUND, "no election " + election))));
    }
    Future.all(found).compose(v -> staff.invite(email, name, asked, lang, typed == null ? null
            : mobile(typed, found.stream().map(Future::result).toList()), ApiKeyAuth.client(ctx)))
        .onSuccess(r -> ApiRouter.json(ctx, r.created() ? 201 : 200, new JsonObject().put("staffId", r.staffId())
            .put("status", r.created() ? "invited" : r.granted() ? "granted" : "exists").put("notificationId", r.notificationId())))
        .onFailure(ctx::fail);
  }

  /**
   * A mobile phone typed as a person writes it ({@code 06 12 34 56 78}) or in E.164, normalised with
   * libphonenumber against the countries of the invitation's elections, as the voters' phones are; it must be
   * able to receive an SMS (a mobile of one of those countries).
   */
  static String mobile(String typed, List<Election> of) {
    Set<String> regions = new java.util.TreeSet<>();
    of.forEach(e -> regions.addAll(e.phoneRegions()));
    String e164 = fr.sesame.gateway.domain.Contacts.typedPhone(typed, regions).orElseThrow(() -> JsonInput.invalid(
        "'phone' is not a valid phone number of the elections' countries"));
    fr.sesame.ratelimit.fraud.PhoneRules.Verdict verdict = fr.sesame.ratelimit.fraud.PhoneRules.check(e164, regions,
        fr.sesame.ratelimit.fraud.PhoneRules.Use.SMS);
    if (verdict != fr.sesame.ratelimit.fraud.PhoneRules.Verdict.OK) {
      throw JsonInput.invalid("'phone' refused: " + verdict.reason());
    }
    return e164;
  }

  private void unlock(RoutingContext ctx) {
    JsonInput in = JsonInput.read(ctx, UNLOCK_FIELDS);
    String email = in.matching("email", EMAIL, "an email address");
    String reason = in.string("reason", 500).strip();
    if (reason.isEmpty()) {
      throw JsonInput.invalid("'reason' must say why the account is unlocked");
    }
    staff.unlock(email, reason, ApiKeyAuth.client(ctx)).onSuccess(done -> {
      if (!done) {
        ctx.fail(new ProblemException(ProblemType.NOT_FOUND, "no active staff account for this email"));
      } else {
        ApiRouter.json(ctx, 200, new JsonObject().put("status", "active"));
      }
    }).onFailure(ctx::fail);
  }
}
