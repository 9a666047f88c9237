package fr.sesame.gateway.store.redis;

import static fr.sesame.gateway.store.redis.ScriptFixtures.fresh;
import static fr.sesame.gateway.store.redis.ScriptFixtures.redis;
import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.StaffStore.RoleChange;
import fr.sesame.gateway.store.StaffStore.Roles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code redis/staff/roles.lua} through {@link RedisStaffStore#changeRoles}, on the tests' Redis: a person's roles
 * changed at once by several organisers all count (read in the gateway and written back whole, one overwrote
 * another); of several grants or revocations of the same role at once, exactly one finds the state it changes.
 */
class RolesScriptTest {
  private final RedisStaffStore store = new RedisStaffStore(ScriptFixtures.access());
  private final String id = fresh("staff");
  private final String key = RedisStaffStore.key(id);

  private JsonObject stored() {
    return new JsonObject(redis().hget(key, "r"));
  }

  @Test
  void twentyRolesGivenAtOnceAreAllKept() {
    redis().hset(key, Map.of("s", "active", "r", "{\"first\":\"support\"}"));
    List<Future<Optional<Roles>>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(store.changeRoles(id, RoleChange.PUT, Map.of("el-" + i, i % 2 == 0 ? "organiser" : "bureau")));
    }
    all.forEach(f -> assertThat(await(f)).isPresent());
    JsonObject roles = stored();
    assertThat(roles.size()).isEqualTo(21);
    assertThat(roles.getString("first")).isEqualTo("support");
    for (int i = 0; i < 20; i++) {
      assertThat(roles.getString("el-" + i)).isEqualTo(i % 2 == 0 ? "organiser" : "bureau");
    }
  }

  @Test
  void ofTenParallelAddsOfOneElectionExactlyOneFindsItFree() {
    redis().hset(key, Map.of("s", "invited"));
    List<Future<Optional<Roles>>> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add(store.changeRoles(id, RoleChange.ADD, Map.of("e1", i == 0 ? "support" : "expert")));
    }
    List<Roles> results = all.stream().map(f -> await(f).orElseThrow()).toList();
    assertThat(results.stream().filter(r -> r.before().isEmpty())).hasSize(1);
    assertThat(results.stream().filter(r -> !r.before().isEmpty())).hasSize(9)
        .allSatisfy(r -> assertThat(r.before().get("e1")).isEqualTo(stored().getString("e1")));
    assertThat(stored().size()).isEqualTo(1);
  }

  @Test
  void removingTellsWhatWasThereOnceAndLeavesAnEmptyObject() {
    redis().hset(key, Map.of("s", "active", "r", "{\"e1\":\"bureau\"}"));
    List<Future<Optional<Roles>>> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(store.changeRoles(id, RoleChange.REMOVE, Map.of("e1", "")));
    }
    List<Roles> results = all.stream().map(f -> await(f).orElseThrow()).toList();
    assertThat(results.stream().filter(r -> "bureau".equals(r.before().get("e1")))).hasSize(1);
    assertThat(redis().hget(key, "r")).isEqualTo("{}");
    assertThat(results).allSatisfy(r -> assertThat(r.after()).isEmpty());
  }

  @Test
  void anIdWithoutAnAccountIsLeftAlone() {
    redis().hset(key, Map.of("f", "2")); // an unknown email's counter of attempts
    assertThat(await(store.changeRoles(id, RoleChange.PUT, Map.of("e1", "organiser")))).isEmpty();
    assertThat(redis().hgetall(key)).isEqualTo(Map.of("f", "2"));
    String nobody = fresh("nobody");
    assertThat(await(store.changeRoles(nobody, RoleChange.PUT, Map.of("e1", "organiser")))).isEmpty();
    assertThat(redis().exists(RedisStaffStore.key(nobody))).isZero();
  }
}
