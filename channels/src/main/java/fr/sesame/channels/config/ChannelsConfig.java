package fr.sesame.channels.config;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.fallback.ChannelMetrics;
import fr.sesame.channels.fallback.FallbackChain;
import fr.sesame.channels.fallback.GuardedProvider;
import fr.sesame.channels.fallback.ProviderPolicy;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.ProviderContext;
import fr.sesame.channels.spi.ProviderFactory;
import fr.sesame.channels.spi.ProviderSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The {@code channels} section of the configuration: for each channel, its chain (providers in order) and
 * each provider's block (a {@code type} and options; secrets come from the environment, see
 * {@link ProviderSettings}).
 *
 * <pre>
 * channels:
 *   email:
 *     chain: [smtp, mailjet]
 *     providers:
 *       smtp:    { type: smtp, host: smtp.example.fr, port: 587, starttls: required, username: sesame,
 *                  from: "no-reply@example.fr", timeout: PT5S }
 *       mailjet: { type: mailjet-email, baseUrl: "https://api.mailjet.com", from: "no-reply@example.fr" }
 *   sms:
 *     chain: [ovh, mailjet-sms]
 *     providers:
 *       ovh:         { type: ovh-sms, endpoint: "https://eu.api.ovh.com/1.0", serviceName: sms-xx11111-1, sender: SESAME }
 *       mailjet-sms: { type: mailjet-sms, baseUrl: "https://api.mailjet.com", sender: SESAME }
 * </pre>
 *
 * @param chains    provider names in order, per channel
 * @param providers every provider's settings, by name (names are unique across channels)
 */
public record ChannelsConfig(Map<ChannelKind, List<String>> chains, Map<String, ProviderSettings> providers) {
  public ChannelsConfig {
    chains = Map.copyOf(chains);
    providers = Map.copyOf(providers);
    for (Map.Entry<ChannelKind, List<String>> c : chains.entrySet()) {
      if (c.getValue().isEmpty()) {
        throw new IllegalArgumentException("channels." + c.getKey().wireName() + ".chain is empty");
      }
      for (String name : c.getValue()) {
        if (!providers.containsKey(name)) {
          throw new IllegalArgumentException("channels." + c.getKey().wireName() + ".chain names '" + name
              + "', which has no provider block");
        }
      }
    }
  }

  public static final ChannelsConfig NONE = new ChannelsConfig(Map.of(), Map.of());

  /** Reads the section as YAML gives it (maps, lists, scalars). */
  @SuppressWarnings("unchecked")
  public static ChannelsConfig fromMap(Map<String, Object> section, Map<String, String> env) {
    Map<ChannelKind, List<String>> chains = new EnumMap<>(ChannelKind.class);
    Map<String, ProviderSettings> providers = new LinkedHashMap<>();
    for (Map.Entry<String, Object> ch : section.entrySet()) {
      ChannelKind kind = ChannelKind.fromWire(ch.getKey()).orElseThrow(() ->
          new IllegalArgumentException("channels." + ch.getKey() + ": not a channel (email, sms, voice, post)"));
      if (!(ch.getValue() instanceof Map<?, ?> block)) {
        throw new IllegalArgumentException("channels." + ch.getKey() + " must hold chain and providers");
      }
      Object chain = block.get("chain");
      if (!(chain instanceof List<?> names)) {
        throw new IllegalArgumentException("channels." + ch.getKey() + ".chain must be a list of provider names");
      }
      chains.put(kind, names.stream().map(String::valueOf).toList());
      Object ps = block.get("providers");
      if (!(ps instanceof Map<?, ?> pm)) {
        throw new IllegalArgumentException("channels." + ch.getKey() + ".providers must map names to blocks");
      }
      for (Map.Entry<?, ?> p : pm.entrySet()) {
        String name = String.valueOf(p.getKey());
        if (!(p.getValue() instanceof Map<?, ?> opts) || opts.get("type") == null) {
          throw new IllegalArgumentException("channels." + ch.getKey() + ".providers." + name + " needs a type");
        }
        Map<String, String> options = new HashMap<>();
        ((Map<String, Object>) opts).forEach((k, v) -> {
          if (!k.equals("type")) {
            options.put(k, String.valueOf(v));
          }
        });
        if (providers.put(name, new ProviderSettings(name, String.valueOf(opts.get("type")), options, env)) != null) {
          throw new IllegalArgumentException("provider name '" + name + "' is used twice");
        }
      }
      for (String extra : ((Map<String, Object>) block).keySet()) {
        if (!extra.equals("chain") && !extra.equals("providers")) {
          throw new IllegalArgumentException("channels." + ch.getKey() + "." + extra + ": unknown setting");
        }
      }
    }
    return new ChannelsConfig(chains, providers);
  }

  /**
   * Builds every chain: one provider instance and one circuit breaker per configured provider. Every provider,
   * guard and circuit breaker takes its time from {@code clock}.
   *
   * @param vertx    the gateway's Vert.x instance, handed to the providers and used for retry timers
   * @param clock    the wall clock of the providers (receipts, signatures, tokens), attempt times and circuit breakers
   * @param registry where the providers' and chains' meters go
   * @throws IllegalArgumentException when a provider's type is unknown, a provider sends another channel than
   *     its chain's, is in two chains, or its settings are wrong (start-up stops)
   */
  public ChannelsNotifier build(Vertx vertx, Clock clock, MeterRegistry registry) {
    ProviderContext context = new ProviderContext(vertx, clock, registry);
    Map<String, ProviderFactory> factories = new HashMap<>();
    for (ProviderFactory f : ServiceLoader.load(ProviderFactory.class)) {
      factories.put(f.type(), f);
    }
    ChannelMetrics metrics = new ChannelMetrics(registry);
    Map<ChannelKind, FallbackChain> built = new EnumMap<>(ChannelKind.class);
    Map<String, String> tokens = new HashMap<>();
    Set<String> used = new HashSet<>();
    for (Map.Entry<ChannelKind, List<String>> c : chains.entrySet()) {
      List<GuardedProvider> guarded = new ArrayList<>();
      for (String name : c.getValue()) {
        if (!used.add(name)) {
          throw new IllegalArgumentException("provider '" + name + "' is in two chains");
        }
        ProviderSettings s = providers.get(name);
        ProviderFactory factory = factories.get(s.type());
        if (factory == null) {
          throw new IllegalArgumentException("provider " + name + ": unknown type '" + s.type() + "' (known: "
              + new java.util.TreeSet<>(factories.keySet()) + ")");
        }
        ChannelProvider provider = factory.create(context, s);
        if (provider.kind() != c.getKey()) {
          throw new IllegalArgumentException("provider " + name + " sends " + provider.kind().wireName()
              + ", not " + c.getKey().wireName());
        }
        ProviderPolicy policy = ProviderPolicy.from(s);
        String token = s.optionalSecret("webhookToken");
        if (token != null) {
          if (token.length() < 16) {
            throw new IllegalArgumentException(ProviderSettings.envName(name, "webhookToken") + " must be at least 16 characters");
          }
          tokens.put(name, token);
        }
        guarded.add(new GuardedProvider(vertx, clock, provider, policy, circuit(name, policy, clock), metrics));
      }
      built.put(c.getKey(), new FallbackChain(c.getKey(), guarded, metrics));
    }
    return new ChannelsNotifier(built, tokens);
  }

  /**
   * The circuit breaker of one provider: it opens when half of the last 20 calls (at least 10) failed, or
   * took longer than the time limit, and lets 3 trial calls through after {@code circuitWaitInOpen}.
   */
  static CircuitBreaker circuit(String name, ProviderPolicy policy, Clock clock) {
    return CircuitBreaker.of(name, CircuitBreakerConfig.custom()
        .slidingWindow(20, 10, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .failureRateThreshold(50)
        .waitDurationInOpenState(policy.circuitWaitInOpen())
        .permittedNumberOfCallsInHalfOpenState(3)
        .clock(clock)
        .build());
  }
}
