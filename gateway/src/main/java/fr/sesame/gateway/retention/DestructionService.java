package fr.sesame.gateway.retention;

import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.crypto.EvidenceKey;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.notify.NotificationService;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.gateway.staff.StaffRole;
import fr.sesame.gateway.staff.StaffService;
import fr.sesame.gateway.store.DestructionStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destruction of an election's data at the end of their retention (issue 16 point 6), with proof: an organiser
 * requests it, a second person, the election's controller (responsable de traitement), approves it; then every
 * trace of the election is removed from Redis (a page of the keyspace at a time, resumable: the job record keeps
 * the cursor and the counts) and a certificate signed with the evidence key is written to the evidence directory
 * and emailed to the election's controllers. Refused, changing nothing: before the election closed (and its
 * grace period ended), within its recourse period, within the logs' 180 days, without a request, by the requester,
 * by one who is not the controller.
 */
public final class DestructionService {
  private static final Logger LOG = LoggerFactory.getLogger(DestructionService.class);

  /** Runs blocking work (files, the PDF) off the event loop. */
  public interface OffLoop {
    <T> Future<T> run(Callable<T> work);
  }

  private final DestructionStore store;
  private final ElectionService elections;
  private final StaffService staff;
  private final AuditTrail audit;
  private final NotificationService notifications;
  private final EvidenceKey key;
  private final Path dir;
  private final Clock clock;
  private final OffLoop offLoop;

  public DestructionService(DestructionStore store, ElectionService elections, StaffService staff, AuditTrail audit,
                            NotificationService notifications, EvidenceKey key, Path evidenceDir, Clock clock,
                            OffLoop offLoop) {
    this.store = store;
    this.elections = elections;
    this.staff = staff;
    this.audit = audit;
    this.notifications = notifications;
    this.key = key;
    this.dir = evidenceDir;
    this.clock = clock;
    this.offLoop = offLoop;
  }

  private static ProblemException refused(String reason, String detail) {
    return new ProblemException(ProblemType.DESTRUCTION_REFUSED, detail, new JsonObject().put("reason", reason));
  }

  private static ProblemException forbidden(String reason, String detail) {
    return new ProblemException(ProblemType.DESTRUCTION_FORBIDDEN, detail, new JsonObject().put("reason", reason));
  }

  /** The election's retention dates, as the API shows them. */
  public static JsonObject retention(Election e) {
    return new JsonObject().put("closesAt", e.closesAt().toInstant().toString())
        .put("recourseEndsAt", e.recourseEnd().toString()).put("logsKeptUntil", e.logsKeptUntil().toString())
        .put("destroyableFrom", e.destroyableFrom().toString());
  }

  /** Why the election's data may not be destroyed at {@code now}, or null. */
  static ProblemException tooEarly(Election e, Instant now) {
    if (now.isBefore(e.graceEndsAt())) {
      return refused("election-not-closed", "the election is not closed");
    }
    if (now.isBefore(e.recourseEnd())) {
      return refused("recourse-period", "the recourse period ends at " + e.recourseEnd());
    }
    if (now.isBefore(e.logsKeptUntil())) {
      return refused("log-retention", "the logs are kept until " + e.logsKeptUntil());
    }
    return null;
  }

  private Future<Election> election(String electionId) {
    return elections.find(electionId).compose(e -> e.isPresent() ? Future.succeededFuture(e.get())
        : Future.failedFuture(new ProblemException(ProblemType.ELECTION_NOT_FOUND, "no election " + electionId)));
  }

  private Future<StaffService.Staff> member(String electionId, String staffId, StaffRole role, String reason) {
    return staff.staff(staffId).compose(s -> s.isPresent() && s.get().roleIn(electionId).orElse(null) == role
        ? Future.succeededFuture(s.get())
        : Future.failedFuture(forbidden(reason, "the staff member is not the election's " + role.wireName())));
  }

  /** The job's state: the request and approval, or {@code destroyed} with the certificate; empty when neither. */
  public Future<Optional<JsonObject>> status(String electionId) {
    return store.job(electionId).compose(job -> {
      if (!job.isEmpty()) {
        JsonObject s = new JsonObject().put("electionId", electionId).put("status", job.get("st"))
            .put("requestedBy", job.get("rq")).put("requestedAt", ms(job.get("ra")));
        if (job.get("ap") != null) {
          s.put("approvedBy", job.get("ap"));
        }
        return Future.succeededFuture(Optional.of(s));
      }
      return offLoop.run(() -> {
        Path f = DestructionCertificate.jsonFile(dir, electionId);
        return Files.exists(f) ? Optional.of(new JsonObject().put("electionId", electionId).put("status", "destroyed")
            .put("certificate", new JsonObject(Files.readString(f)))) : Optional.<JsonObject>empty();
      });
    });
  }

  private static String ms(String v) {
    return v == null ? null : Instant.ofEpochMilli(Long.parseLong(v)).toString();
  }

  /**
   * An organiser's request to destroy the election's data: refused before the election may be destroyed, by one
   * who is not its organiser, or when a request exists. Audited {@code destruction.request}.
   */
  public Future<JsonObject> request(String electionId, String staffId, ClientInfo by) {
    Instant now = clock.instant();
    return election(electionId).compose(e -> {
      ProblemException early = tooEarly(e, now);
      if (early != null) {
        return Future.failedFuture(early);
      }
      return member(electionId, staffId, StaffRole.ORGANISER, "not-organiser").compose(who -> store.create(electionId,
          Map.of("st", "requested", "rq", staffId, "ra", Long.toString(now.toEpochMilli()))).compose(created -> {
            if (!created) {
              return Future.failedFuture(refused("already-requested", "a destruction of this election was requested"));
            }
            return audit.record(electionId, AuditEvent.of(now, "destruction.request", who.actor(), by.ip(),
                "requested")).map(v -> retention(e).put("electionId", electionId).put("status", "requested")
                .put("requestedBy", staffId).put("requestedAt", now.toString()));
          }));
    });
  }

  /**
   * The controller's approval, then the destruction: refused without a request, by the requester, by one who is
   * not the election's controller, or before the election may be destroyed. A destruction that was interrupted
   * (status {@code running}) resumes when its approver approves again.
   * @return the certificate
   */
  public Future<JsonObject> approve(String electionId, String staffId, ClientInfo by) {
    Instant now = clock.instant();
    return store.job(electionId).compose(job -> {
      if (job.isEmpty() || job.get("st") == null) {
        return Future.failedFuture(refused("no-request", "no destruction of this election was requested"));
      }
      if ("running".equals(job.get("st"))) {
        if (!staffId.equals(job.get("ap"))) {
          return Future.failedFuture(refused("already-approved", "this destruction was approved and is running"));
        }
        return run(electionId);
      }
      if (staffId.equals(job.get("rq"))) {
        return Future.failedFuture(forbidden("same-person", "the approval must come from another person than the"
            + " request"));
      }
      return election(electionId).compose(e -> {
        ProblemException early = tooEarly(e, now);
        if (early != null) {
          return Future.failedFuture(early);
        }
        return member(electionId, staffId, StaffRole.CONTROLLER, "not-controller").compose(who ->
            controllers(electionId).compose(controllers -> store.claimApproval(electionId, staffId)
                .compose(first -> {
                  if (!first) {
                    return Future.failedFuture(refused("already-approved", "this destruction was approved"));
                  }
                  return audit.record(electionId, AuditEvent.of(now, "destruction.approve", who.actor(), by.ip(),
                      "approved", "requestedBy", job.get("rq"))).compose(v -> {
                        Map<String, String> f = new LinkedHashMap<>();
                        f.put("st", "running");
                        f.put("aa", Long.toString(now.toEpochMilli()));
                        f.put("cur", "0");
                        f.put("ct", String.join(",", controllers));
                        f.put("el", retention(e).put("electionName", e.name()).encode());
                        return store.update(electionId, f);
                      });
                }))).compose(v -> run(electionId));
      });
    });
  }

  /** The staff ids with the controller role in the election. */
  private Future<List<String>> controllers(String electionId) {
    return staff.members(electionId).map(ms -> ms.stream().filter(m -> m.role() == StaffRole.CONTROLLER)
        .map(StaffService.Member::id).toList());
  }

  /** Runs (or resumes) an approved destruction to its end: roles, the sweep, the last keys, the certificate. */
  private Future<JsonObject> run(String electionId) {
    elections.forget(electionId);
    return store.job(electionId).compose(job -> {
      Map<String, Long> counts = new TreeMap<>();
      job.forEach((k, v) -> {
        if (k.startsWith("n:")) {
          counts.put(k.substring(2), Long.parseLong(v));
        }
      });
      Future<Void> roles = job.get("rr") != null ? Future.succeededFuture()
          : store.team(electionId).compose(team -> staff.forgetElection(electionId, team)).compose(n -> {
            counts.merge("staffRoles", n, Long::sum);
            return store.update(electionId, Map.of("rr", "1", "n:staffRoles", Long.toString(counts.get("staffRoles"))));
          });
      return roles.compose(v -> sweep(electionId, job.getOrDefault("cur", "0"), counts, job.get("sw") != null))
          .compose(v -> store.finish(electionId)).compose(last -> {
            last.forEach((k, n) -> counts.merge(k, n, Long::sum));
            return certificate(electionId, job, counts);
          });
    });
  }

  private Future<Void> sweep(String electionId, String cursor, Map<String, Long> counts, boolean done) {
    if (done) {
      return Future.succeededFuture();
    }
    return store.sweep(electionId, cursor).compose(page -> {
      page.removed().forEach((k, n) -> counts.merge(k, n, Long::sum));
      Map<String, String> f = new LinkedHashMap<>();
      f.put("cur", page.cursor());
      counts.forEach((k, n) -> f.put("n:" + k, Long.toString(n)));
      if ("0".equals(page.cursor())) {
        f.put("sw", "1");
      }
      return store.update(electionId, f).compose(v -> "0".equals(page.cursor()) ? Future.succeededFuture()
          : sweep(electionId, page.cursor(), counts, false));
    });
  }

  private Future<JsonObject> certificate(String electionId, Map<String, String> job, Map<String, Long> counts) {
    JsonObject el = new JsonObject(job.get("el"));
    String requester = job.get("rq");
    String approver = job.get("ap");
    return Future.all(staff.anyStaff(requester), staff.anyStaff(approver)).compose(people -> {
      Optional<StaffService.Staff> rq = people.resultAt(0);
      Optional<StaffService.Staff> ap = people.resultAt(1);
      JsonObject removed = new JsonObject();
      counts.forEach(removed::put);
      JsonObject unsigned = new JsonObject().put("type", DestructionCertificate.TYPE).put("version", 1)
          .put("electionId", electionId).put("electionName", el.getString("electionName"))
          .put("closesAt", el.getString("closesAt")).put("recourseEndsAt", el.getString("recourseEndsAt"))
          .put("logsKeptUntil", el.getString("logsKeptUntil"))
          .put("requestedAt", ms(job.get("ra")))
          .put("requestedBy", new JsonObject().put("id", requester).put("name", rq.map(StaffService.Staff::name)
              .orElse("")).put("role", StaffRole.ORGANISER.wireName()))
          .put("approvedAt", ms(job.get("aa")))
          .put("approvedBy", new JsonObject().put("id", approver).put("name", ap.map(StaffService.Staff::name)
              .orElse("")).put("role", StaffRole.CONTROLLER.wireName()))
          .put("completedAt", clock.instant().toString()).put("removed", removed)
          .put("kept", "the audit checkpoints (" + electionId + ".checkpoints.jsonl: hashes, no personal data) and"
              + " this certificate, in the evidence directory");
      JsonObject signed = DestructionCertificate.sign(unsigned, key);
      List<String> to = new ArrayList<>();
      for (String id : job.getOrDefault("ct", "").split(",")) {
        if (!id.isEmpty()) {
          to.add(id);
        }
      }
      if (!to.contains(approver)) {
        to.add(approver);
      }
      return offLoop.run(() -> {
        DestructionCertificate.write(dir, signed);
        return null;
      }).compose(v -> send(signed, to)).compose(v -> store.deleteJob(electionId)).map(signed);
    });
  }

  /** Emails the certificate's summary to the controllers (a failed send is logged: the certificate is kept). */
  private Future<Void> send(JsonObject c, List<String> controllerIds) {
    String text = "Les données de l'élection " + c.getString("electionId") + " ont été détruites le "
        + c.getString("completedAt") + ". Certificat signé (clé " + c.getString("kid").substring(0, 16)
        + "…) conservé dans le répertoire des preuves : " + c.getString("electionId") + ".destruction.json et .pdf.";
    List<Future<?>> sent = new ArrayList<>();
    for (String id : controllerIds) {
      sent.add(staff.anyStaff(id).compose(s -> s.isEmpty() ? Future.succeededFuture()
          : notifications.accept(new NotificationService.Request(ChannelKind.EMAIL, s.get().email(), "bureau-alert",
              "fr", Map.of("electionName", c.getString("electionName"), "alert", text),
              "destruction:" + c.getString("electionId") + ":" + id), new ClientInfo("", "system"))));
    }
    return Future.join(sent).transform(r -> {
      if (r.failed()) {
        LOG.warn("election {}: destroyed, but the certificate could not be sent to every controller",
            c.getString("electionId"));
      }
      return Future.succeededFuture();
    });
  }
}
