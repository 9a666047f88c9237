package fr.sesame.loadtests.bench;

import fr.sesame.gateway.dev.EmbeddedRedis;
import fr.sesame.ratelimit.Decision;
import fr.sesame.ratelimit.Limit;
import fr.sesame.ratelimit.LimitPolicy;
import fr.sesame.ratelimit.local.InMemoryRateLimiter;
import fr.sesame.redis.RedisAccess;
import fr.sesame.ratelimit.redis.RedisRateLimiter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A login's three limits (per IP, per identifier, per election) checked against Redis: Sesame's limiter
 * (one Lua script for the three, atomic) side by side with Bucket4j's Lettuce backend doing the same three
 * limits (three buckets, consumed concurrently; not atomic: a refusal by one still charges the others).
 * Each library has its own single Lettuce connection. Subjects are drawn from 10,000 IPs and 100,000
 * identifiers, and limits are wide enough that checks are admitted (the path that writes).
 *
 * <p>Run: {@code mvn -q -B -Pbench -pl loadtests -am package -DskipTests && java -jar
 * loadtests/target/benchmarks.jar RateLimitBenchmark} (set {@code REDIS_URL} to use another Redis).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Threads(32)
public class RateLimitBenchmark {
  static final LimitPolicy IP = new LimitPolicy("ip", 1_000, Duration.ofSeconds(1), 1_000,
      LimitPolicy.FailureMode.OPEN);
  static final LimitPolicy IDENTIFIER = new LimitPolicy("identifier", 100, Duration.ofSeconds(1), 100,
      LimitPolicy.FailureMode.OPEN);
  static final LimitPolicy ELECTION = new LimitPolicy("election", 1_000_000, Duration.ofSeconds(1), 1_000_000,
      LimitPolicy.FailureMode.OPEN);

  EmbeddedRedis embedded;
  RedisClient client;
  StatefulRedisConnection<String, String> oursConnection;
  StatefulRedisConnection<byte[], byte[]> theirsConnection;
  RedisRateLimiter ours;
  AsyncProxyManager<byte[]> theirs;
  BucketConfiguration ipConfig;
  BucketConfiguration identifierConfig;
  BucketConfiguration electionConfig;

  @Setup
  public void start() throws Exception {
    String url = System.getenv("REDIS_URL");
    if (url == null) {
      embedded = EmbeddedRedis.start();
      url = embedded.url();
    }
    client = RedisClient.create(url);
    oursConnection = client.connect();
    ours = new RedisRateLimiter(new RedisAccess(oursConnection.async()), new InMemoryRateLimiter(1));
    theirsConnection = client.connect(ByteArrayCodec.INSTANCE);
    theirs = Bucket4jLettuce.casBasedBuilder(theirsConnection)
        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
        .build().asAsync();
    ipConfig = config(IP);
    identifierConfig = config(IDENTIFIER);
    electionConfig = config(ELECTION);
  }

  static BucketConfiguration config(LimitPolicy p) {
    return BucketConfiguration.builder().addLimit(Bandwidth.builder().capacity(p.burst())
        .refillGreedy(p.rate(), p.period()).build()).build();
  }

  @Benchmark
  @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public boolean sesameThreeLimitsOneScript() throws Exception {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    Decision d = ours.check("bench", List.of(new Limit(IP, "ip" + r.nextInt(10_000)),
            new Limit(IDENTIFIER, "id" + r.nextInt(100_000)), new Limit(ELECTION, "demo")), 1, Instant.now())
        .toCompletionStage().toCompletableFuture().get();
    return d.allowed();
  }

  @Benchmark
  @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public boolean bucket4jThreeBuckets() throws Exception {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    CompletableFuture<Boolean> ip = theirs.builder().build(bytes("b4j:ip:ip" + r.nextInt(10_000)), ipConfig)
        .tryConsume(1);
    CompletableFuture<Boolean> id = theirs.builder().build(bytes("b4j:id:id" + r.nextInt(100_000)), identifierConfig)
        .tryConsume(1);
    CompletableFuture<Boolean> el = theirs.builder().build(bytes("b4j:el:demo"), electionConfig).tryConsume(1);
    return ip.get() & id.get() & el.get();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @TearDown
  public void stop() {
    oursConnection.close();
    theirsConnection.close();
    client.shutdown();
    if (embedded != null) {
      embedded.close();
    }
  }
}
