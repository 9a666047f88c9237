package fr.sesame.gateway.notify;

import fr.sesame.gateway.crypto.HashPurpose;
import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.config.LimitsConfig;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.store.OutboxStore;
import fr.sesame.ratelimit.Limit;
import fr.sesame.ratelimit.fraud.PhoneRules;
import fr.sesame.gateway.domain.PaidSendPlan;
import fr.sesame.gateway.domain.PaidSendPlan.Breaker;
import fr.sesame.ratelimit.StepLimits;
import fr.sesame.ratelimit.StepLimits.Charge;
import fr.sesame.ratelimit.StepLimits.Entry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The caps on paid sends (SMS and voice, each counted apart), decided in the outbox's accept script:
 * per number (10 minutes and a day, every message), and for interactive messages (login codes: what an
 * attacker can make Sesame send) per number block and per country. A block or a country over its cap
 * trips a breaker: sends there stop for {@code breakerCooldown}, and the trip is counted and audited.
 * Bulk messages (campaigns the platform sends from the roll) are not charged to blocks and countries, so a
 * campaign never trips a breaker that would stop login codes, but they do stop at a tripped one.
 */
public final class PaidSendCaps {
  /** The scope of every paid-send cap: all notifications share it (one Redis Cluster slot). */
  static final String SCOPE = "nt";
  private final LimitsConfig config;
  private final KeyedHasher hasher;

  public PaidSendCaps(LimitsConfig config, KeyedHasher hasher) {
    this.config = config;
    this.hasher = hasher;
  }

  /** Empty for channels that cost nothing per message (email) or are sent by hand (post). */
  public Optional<PaidSendPlan> plan(ChannelKind channel, String e164, OutboxStore.Lane lane, Instant now) {
    if (!channel.usesPhone()) {
      return Optional.empty();
    }
    String ch = channel.wireName();
    PhoneRules.Place place = PhoneRules.place(e164, config.prefixDigits());
    String number = hasher.hashText(HashPurpose.PHONE_CAP, e164).substring(0, 22);
    List<Entry> entries = new ArrayList<>(4);
    entries.add(new Entry(new Limit(config.phoneNumber(), ch + ":" + number), Charge.ALWAYS));
    entries.add(new Entry(new Limit(config.phoneNumberDay(), ch + ":" + number), Charge.ALWAYS));
    if (lane == OutboxStore.Lane.HI) {
      entries.add(new Entry(new Limit(config.phonePrefix(), ch + ":" + place.prefix()), Charge.ALWAYS));
      entries.add(new Entry(new Limit(config.country(place.region()), ch + ":" + place.region()), Charge.ALWAYS));
    }
    return Optional.of(new PaidSendPlan(new StepLimits(SCOPE, entries, now),
        List.of(new Breaker(ch, "prefix", place.prefix()), new Breaker(ch, "country", place.region())),
        config.breakerCooldown().toMillis()));
  }
}
