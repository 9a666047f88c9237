package fr.sesame.channels.config;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.fallback.ChannelMetrics;
import fr.sesame.channels.fallback.FallbackChain;
import fr.sesame.channels.fallback.GuardedProvider;
import fr.sesame.channels.fallback.ProviderPolicy;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.ProviderContext;
import fr.sesame.channels.spi.ProviderFactory;
import fr.sesame.channels.spi.ProviderOption;
import fr.sesame.channels.spi.ProviderSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

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

  /**
   * Reads the section as YAML gives it (maps, lists, scalars).
   *
   * @throws ConfigException listing every problem (see {@link #fromMap(Map, Map, ConfigProblems)})
   */
  public static ChannelsConfig fromMap(Map<String, ?> section, Map<String, String> env) {
    ConfigProblems problems = new ConfigProblems();
    ChannelsConfig read = fromMap(section, env, problems);
    problems.throwIfAny();
    return read;
  }

  /**
   * Reads the section and adds every problem to {@code problems}, each under its path
   * ({@code channels.sms.providers.ovh.sender}): unknown channels, keys, provider types and options (with the
   * nearest known name when it looks misspelt), values of the wrong kind, required options not set, secrets
   * written in the file, and the secrets of the chains' providers missing from the environment.
   *
   * @return what was read; {@link #NONE} when this section had a problem
   */
  public static ChannelsConfig fromMap(Map<String, ?> section, Map<String, String> env, ConfigProblems problems) {
    int before = problems.count();
    Map<String, ProviderFactory> factories = factories();
    Map<ChannelKind, List<String>> chains = new EnumMap<>(ChannelKind.class);
    Map<String, ProviderSettings> providers = new LinkedHashMap<>();
    Map<String, ProviderFactory> factoryOf = new HashMap<>();
    Map<String, String> chainPaths = new LinkedHashMap<>();
    List<String> channelNames = Arrays.stream(ChannelKind.values()).map(ChannelKind::wireName).toList();
    for (Map.Entry<String, ?> ch : section.entrySet()) {
      String path = "channels." + ch.getKey();
      Optional<ChannelKind> kind = ChannelKind.fromWire(ch.getKey());
      if (kind.isEmpty()) {
        problems.unknown(path, "channel", channelNames);
        continue;
      }
      if (!(ch.getValue() instanceof Map<?, ?> block)) {
        problems.add(path, "must hold chain and providers");
        continue;
      }
      for (Object key : block.keySet()) {
        if (!"chain".equals(key) && !"providers".equals(key)) {
          problems.unknown(path + "." + key, "setting", List.of("chain", "providers"));
        }
      }
      if (!(block.get("providers") instanceof Map<?, ?> pm)) {
        problems.add(path + ".providers", "must map provider names to their blocks");
      } else {
        for (Map.Entry<?, ?> p : pm.entrySet()) {
          String name = String.valueOf(p.getKey());
          String where = path + ".providers." + name;
          ProviderSettings s = provider(where, name, p.getValue(), env, factories, problems);
          if (s != null && providers.put(name, s) != null) {
            problems.add(where, "provider name '" + name + "' is used twice");
          }
          if (s != null) {
            factoryOf.put(name, factories.get(s.type()));
          }
        }
      }
      if (!(block.get("chain") instanceof List<?> names)) {
        problems.add(path + ".chain", "must be a list of provider names");
        continue;
      }
      chains.put(kind.get(), names.stream().map(String::valueOf).toList());
      chainPaths.put(kind.get().wireName(), path + ".chain");
    }
    for (Map.Entry<ChannelKind, List<String>> c : chains.entrySet()) {
      String path = chainPaths.get(c.getKey().wireName());
      if (c.getValue().isEmpty()) {
        problems.add(path, "is empty");
      }
      for (String name : c.getValue()) {
        ProviderSettings s = providers.get(name);
        if (s == null) {
          problems.add(path, "names '" + name + "', which has no provider block"
              + ConfigProblems.didYouMean(name, providers.keySet()));
        } else if (factoryOf.get(name) != null) {
          for (String secret : factoryOf.get(name).secrets(s)) {
            if (s.optionalSecret(secret) == null) {
              problems.missingEnv(ProviderSettings.envName(name, secret), "secret " + secret + " of provider " + name);
            }
          }
        }
      }
    }
    return problems.count() > before ? NONE : new ChannelsConfig(chains, providers);
  }

  /** One provider's block checked against its type's declared options; null when it cannot be read at all. */
  private static ProviderSettings provider(String path, String name, Object value, Map<String, String> env,
                                           Map<String, ProviderFactory> factories, ConfigProblems problems) {
    int before = problems.count();
    if (!(value instanceof Map<?, ?> block) || block.get("type") == null) {
      problems.add(path, "needs a type (known: " + new TreeSet<>(factories.keySet()) + ")");
      return null;
    }
    String type = String.valueOf(block.get("type"));
    ProviderFactory factory = factories.get(type);
    if (factory == null) {
      problems.add(path + ".type", "unknown provider type '" + type + "'"
          + ConfigProblems.didYouMean(type, factories.keySet()) + " (known: " + new TreeSet<>(factories.keySet()) + ")");
    }
    Map<String, ProviderOption> known = new LinkedHashMap<>();
    ProviderPolicy.OPTIONS.forEach(o -> known.put(o.name(), o));
    List<ProviderOption> declared = factory == null ? null : factory.options();
    if (declared != null) {
      declared.forEach(o -> known.put(o.name(), o));
    }
    Map<String, String> options = new HashMap<>();
    Set<String> suggested = new HashSet<>();
    for (Map.Entry<?, ?> o : block.entrySet()) {
      String key = String.valueOf(o.getKey());
      String where = path + "." + key;
      if (key.equals("type") || o.getValue() == null) {
        continue;
      }
      if (ProviderSettings.SECRET_OPTIONS.contains(key)) {
        problems.add(where, "is a secret: set " + ProviderSettings.envName(name, key) + " in the environment instead");
        continue;
      }
      if (o.getValue() instanceof Map<?, ?> || o.getValue() instanceof List<?>) {
        problems.add(where, "must be a single value");
        continue;
      }
      String text = String.valueOf(o.getValue());
      options.put(key, text);
      ProviderOption option = known.get(key);
      if (option == null) {
        if (declared != null) {
          problems.add(where, "unknown option '" + key + "' of " + type + ConfigProblems.didYouMean(key, known.keySet())
              + " (known: " + String.join(", ", new TreeSet<>(known.keySet())) + ")");
          ConfigProblems.suggestion(key, known.keySet()).ifPresent(suggested::add);
        }
        continue;
      }
      String problem = option.problem(text);
      if (problem != null) {
        problems.add(where, problem);
      }
    }
    if (factory == null) {
      return null;
    }
    for (ProviderOption option : declared == null ? List.<ProviderOption>of() : declared) {
      // a misspelt option was named above with this one as its suggestion: not reported twice
      if (option.required() && !options.containsKey(option.name()) && !suggested.contains(option.name())) {
        problems.add(path + "." + option.name(), "is required (" + type + ")");
      }
    }
    ProviderSettings settings = new ProviderSettings(name, type, options, env);
    if (problems.count() == before) { // the guard's ranges, once its values are each well formed
      try {
        ProviderPolicy.from(settings);
      } catch (IllegalArgumentException e) {
        problems.add(path, e.getMessage());
      }
    }
    String token = settings.optionalSecret("webhookToken");
    if (token != null && token.length() < 16) {
      problems.add(ProviderSettings.envName(name, "webhookToken"), "must be at least 16 characters");
    }
    return settings;
  }

  private static Map<String, ProviderFactory> factories() {
    Map<String, ProviderFactory> factories = new HashMap<>();
    for (ProviderFactory f : ServiceLoader.load(ProviderFactory.class)) {
      factories.put(f.type(), f);
    }
    return factories;
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
    Map<String, ProviderFactory> factories = factories();
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
