package fr.sesame.gateway.roll;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.audit.ChainedAuditTrail;
import fr.sesame.gateway.auth.VoterKeys;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.domain.ImportJob;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.gateway.store.redis.RedisAuditStore;
import fr.sesame.gateway.store.redis.RedisImportJobStore;
import fr.sesame.gateway.store.redis.RedisKeys;
import fr.sesame.gateway.store.redis.RedisVoterStore;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.redis.RedisAccess;
import fr.sesame.testkit.Await;
import fr.sesame.testkit.TestClock;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RollImportJobs} as another caller than the API uses it (the console will): it starts a job on a stream
 * of its own, gets the job's id, reads its progress and whether one runs, waits for its end, reads its line
 * report. Real Redis, real crypto; the stream is a Vert.x {@link ReadStream} the test feeds chunk by chunk.
 */
class RollImportJobsTest {
  private static final String HEADER = "identifier,college,lastName,firstName,birthDate,email,phone,secret";
  private static final Vertx vertx = Vertx.vertx();
  private static final Context context = vertx.getOrCreateContext();
  private static final StatefulRedisConnection<String, String> connection = TestRedis.connect(TestRedis.url());
  private static final TestClock clock = new TestClock();
  private static final RollImportJobs jobs = jobs();
  private static final ClientInfo CONSOLE = new ClientInfo("192.0.2.7", "staff:organiser");

  private static RollImportJobs jobs() {
    RedisAccess redis = new RedisAccess(connection.async());
    KeyedHasher hasher = new KeyedHasher(TestGateway.HASH_KEY);
    RandomTokens random = new RandomTokens();
    ChainedAuditTrail audit = new ChainedAuditTrail(new RedisAuditStore(redis));
    RollImport rolls = new RollImport(new RedisVoterStore(redis), new VoterKeys(hasher, random), hasher,
        new FieldCipher(TestGateway.DATA_KEY), audit, clock, 1 << 20);
    return new RollImportJobs(rolls, new RedisImportJobStore(redis), audit, random, clock, vertx);
  }

  @AfterAll
  static void close() {
    connection.close();
    Await.await(vertx.close(), Duration.ofSeconds(10));
  }

  /** Runs {@code call} on the test's event-loop context, as a handler of the console would. */
  private static <T> T on(Supplier<Future<T>> call) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(done));
    return Await.await(done.future());
  }

  private static Throwable failureOn(Supplier<Future<?>> call) {
    Promise<Object> done = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(r -> done.complete(r.failed() ? r.cause() : r.result())));
    return (Throwable) Await.await(done.future());
  }

  private static String rows(int from, int to) {
    StringBuilder csv = new StringBuilder();
    for (int i = from; i < to; i++) {
      csv.append("c").append(i).append(",etudiants,Nom,Prenom,,c").append(i).append("@univ-test.fr,,2023")
          .append(String.format("%04d", i)).append('\n');
    }
    return csv.toString();
  }

  @Test
  void aConsoleStartsAJobFollowsItAndWaitsForItsEnd() {
    String id = TestGateway.newElectionId();
    Election election = Election.fromJson(TestGateway.electionBody(clock.instant(),
        clock.instant().plus(Duration.ofDays(1))).put("id", id));
    ChunkStream upload = new ChunkStream();
    upload.push(HEADER + "\n" + rows(0, 600));

    RollImportJobs.Started started = on(() -> jobs.start(election, upload, CONSOLE));

    assertThat(on(() -> jobs.running(id))).contains(started.jobId());
    ImportJob halfway = TestRedis.readUntil(TestRedis.literal(RedisKeys.importJob(id, started.jobId())),
        () -> on(() -> jobs.find(id, started.jobId())).orElseThrow(), j -> j.counts().imported() == 500,
        Duration.ofSeconds(30), "the first batch");
    assertThat(halfway.status()).isEqualTo(ImportJob.Status.RUNNING);
    assertThat(halfway.counts().linesRead()).isEqualTo(501);
    Throwable busy = failureOn(() -> jobs.importNow(election, new ChunkStream(), CONSOLE));
    assertThat(busy).isInstanceOf(ProblemException.class);
    assertThat(((ProblemException) busy).type()).isEqualTo(ProblemType.IMPORT_IN_PROGRESS);
    assertThat(((ProblemException) busy).extensions().getString("jobId")).isEqualTo(started.jobId());

    context.runOnContext(v -> {
      upload.push(rows(600, 700));
      upload.end();
    });
    assertThat(Await.await(started.report()).getLong("imported")).isEqualTo(700);

    ImportJob done = on(() -> jobs.find(id, started.jobId())).orElseThrow();
    assertThat(done.status()).isEqualTo(ImportJob.Status.DONE);
    assertThat(done.counts()).isEqualTo(new ImportJob.Counts(701, 700, 700, 0, 0));
    assertThat(on(() -> jobs.running(id))).isEqualTo(Optional.empty());
    StringBuilder report = new StringBuilder();
    on(() -> jobs.lineReport(id, started.jobId(), chunk -> {
      report.append(chunk);
      return Future.succeededFuture();
    }));
    assertThat(report.toString().split("\r\n")).hasSize(701).startsWith(LineReport.HEADER, "2,c0,created,");
    assertThat(on(() -> jobs.find(id, "no-such-job"))).isEmpty();
  }

  /** Past the roll's size limit the spool stops: the job fails as too large, and the lock is free again. */
  @Test
  void aRollOverTheSizeLimitFailsItsJobAsTooLarge() {
    String id = TestGateway.newElectionId();
    Election election = Election.fromJson(TestGateway.electionBody(clock.instant(),
        clock.instant().plus(Duration.ofDays(1))).put("id", id));
    ChunkStream upload = new ChunkStream();
    upload.push(HEADER + "\n" + rows(0, 10));
    RollImportJobs.Started started = on(() -> jobs.start(election, upload, CONSOLE));

    context.runOnContext(v -> upload.push(rows(10, 30_000))); // about 1.6 MiB: over the 1 MiB limit
    Throwable tooLarge = Await.failure(started.report());
    assertThat(tooLarge).isInstanceOf(ProblemException.class);
    assertThat(((ProblemException) tooLarge).type()).isEqualTo(ProblemType.PAYLOAD_TOO_LARGE);

    ImportJob failed = on(() -> jobs.find(id, started.jobId())).orElseThrow();
    assertThat(failed.status()).isEqualTo(ImportJob.Status.FAILED);
    assertThat(failed.error().getString("type")).isEqualTo("/problems/payload-too-large");
    assertThat(on(() -> jobs.running(id))).isEmpty();
    ChunkStream next = new ChunkStream();
    next.push(HEADER + "\n" + rows(0, 1));
    next.end();
    assertThat(on(() -> jobs.importNow(election, next, CONSOLE)).getLong("imported")).isEqualTo(1);
  }

  /**
   * A {@link ReadStream} of chunks the test pushes, paused at first as a request is when handed to the import.
   * Used on the test's context only.
   */
  private static final class ChunkStream implements ReadStream<Buffer> {
    private final ArrayDeque<Buffer> queued = new ArrayDeque<>();
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private long demand;
    private boolean ended;
    private boolean endDelivered;

    void push(String chunk) {
      queued.add(Buffer.buffer(chunk));
      drain();
    }

    void end() {
      ended = true;
      drain();
    }

    private void drain() {
      while (demand > 0 && !queued.isEmpty() && handler != null) {
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        handler.handle(queued.poll());
      }
      if (ended && queued.isEmpty() && demand > 0 && !endDelivered && endHandler != null) {
        endDelivered = true;
        endHandler.handle(null);
      }
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
      this.handler = handler;
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      demand = 0;
      return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
      return fetch(Long.MAX_VALUE);
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      demand = amount == Long.MAX_VALUE || demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
      context.runOnContext(v -> drain());
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
      this.endHandler = endHandler;
      return this;
    }
  }
}
