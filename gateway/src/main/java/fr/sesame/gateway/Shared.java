package fr.sesame.gateway;

import fr.sesame.channels.Notifier;
import fr.sesame.channels.dev.DevOutbox;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.auth.VoterKeys;
import fr.sesame.gateway.config.GatewayConfig;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.metrics.GatewayMetrics;
import fr.sesame.gateway.notify.NotificationService;
import fr.sesame.ratelimit.redis.RedisAccess;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;

/**
 * What every HTTP verticle shares (all thread-safe: the audit trail gives each event loop a chain of its own).
 * {@code devOutbox} is null outside dev mode.
 */
record Shared(GatewayConfig config, Clock clock, RedisAccess redis, Notifier notifier, DevOutbox devOutbox,
              KeyedHasher hasher, FieldCipher cipher, RandomTokens random, VoterKeys keys,
              ElectionService elections, PrometheusMeterRegistry registry, GatewayMetrics metrics,
              TemplateCatalog templates, NotificationService notifications, AuditTrail audit) {}
