package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.hash;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.gateway.store.VoterStore.VoterRow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/voter/import_voter.lua} through {@link RedisVoterStore#importVoters} (CREATED replies are true;
 * counted here), on the tests' Redis: each {@link ImportReply} and what a re-import keeps.
 */
class ImportVoterScriptTest {
  private final RedisVoterStore store = new RedisVoterStore(ScriptFixtures.access());
  private final VoterKey voter = new VoterKey(fresh("el"), fresh("p"));
  private final String voterKey = RedisKeys.voter(voter.pseudonym());

  private int importRows(VoterRow... rows) {
    return (int) await(store.importVoters(List.of(rows))).stream().filter(created -> created).count();
  }

  @Test
  void aNewVoterIsCreatedWithItsContactsAndNeverExpires() {
    assertThat(importRows(new VoterRow(voter, "A", hash('a'), "identity-enc", "email-enc", "phone-enc"))).isEqualTo(1);

    assertThat(redis().hgetall(voterKey)).isEqualTo(Map.of("c", "A", "s", hash('a'), "n", "identity-enc",
        "e", "email-enc", "p", "phone-enc"));
    assertThat(redis().ttl(voterKey)).isEqualTo(-1L);
  }

  @Test
  void aReImportUpdatesTheRollButKeepsTheLockFailuresLastLoginAndRememberedPhone() {
    importRows(new VoterRow(voter, "A", hash('a'), "identity-enc", "email-enc", "phone-enc"));
    redis().hset(voterKey, Map.of("f", "5", "la", "1000", "ll", "900", "lp", "login-phone-enc"));
    VoterKey other = new VoterKey(voter.electionId(), fresh("p"));

    assertThat(importRows(new VoterRow(voter, "B", hash('b'), "identity-2-enc", "", "phone-2-enc"),
        new VoterRow(other, "A", hash('a'), "identity-enc", "", ""))).as("only the other one is new").isEqualTo(1);

    assertThat(redis().hgetall(voterKey)).isEqualTo(Map.of("c", "B", "s", hash('b'), "n", "identity-2-enc",
        "p", "phone-2-enc", "f", "5", "la", "1000", "ll", "900", "lp", "login-phone-enc"));
    assertThat(redis().hgetall(RedisKeys.voter(other.pseudonym()))).isEqualTo(Map.of("c", "A", "s", hash('a'),
        "n", "identity-enc"));
  }

  @Test
  void anUnknownIdentifiersCounterBecomesTheVotersWithTheCounterDroppedAndNoExpiry() {
    redis().hset(voterKey, Map.of("f", "5", "la", "1000"));
    redis().pexpire(voterKey, 3_600_000);

    assertThat(importRows(new VoterRow(voter, "A", hash('a'), "identity-enc", "email-enc", ""))).isEqualTo(1);

    assertThat(redis().hgetall(voterKey)).isEqualTo(Map.of("c", "A", "s", hash('a'), "n", "identity-enc",
        "e", "email-enc"));
    assertThat(redis().ttl(voterKey)).isEqualTo(-1L);
  }

  @Test
  void aPostalAddressIsStoredWhenTheRollGivesOneAndRemovedByAReImportWithout() {
    assertThat(importRows(new VoterRow(voter, "A", hash('a'), "identity-enc", "", "", "postal-enc"))).isEqualTo(1);
    assertThat(redis().hgetall(voterKey)).isEqualTo(Map.of("c", "A", "s", hash('a'), "n", "identity-enc",
        "a", "postal-enc"));

    importRows(new VoterRow(voter, "A", hash('a'), "identity-enc", "email-enc", "", "postal-2-enc"));
    assertThat(redis().hget(voterKey, "a")).isEqualTo("postal-2-enc");

    // a roll without the column (or an empty cell): the roll's contacts replace the voter's, as for email and phone
    importRows(new VoterRow(voter, "A", hash('a'), "identity-enc", "email-enc", ""));
    assertThat(redis().hgetall(voterKey)).as("no empty field is kept").isEqualTo(Map.of("c", "A", "s", hash('a'),
        "n", "identity-enc", "e", "email-enc"));
  }
}
