package fr.sesame.gateway.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import fr.sesame.ratelimit.StepLimits;
import fr.sesame.ratelimit.redis.ScriptLimits;
import fr.sesame.redis.LuaScript;
import fr.sesame.redis.ReplyCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each entry script against its Java reply codes and its own header, read from the class path as Redis gets it
 * (includes in place). No Redis here: the {@code *ScriptTest}s run the scripts. For every script and its
 * {@link ReplyCode} enum:
 * <ol>
 * <li>each constant is a Lua local of the same name and number ({@code local UPDATED, CREATED = 0, 1});
 * <li>the {@code -- RETURNS} header names the enum, names only its codes, each one the script uses, and every
 *     code the script's own code uses; across the scripts that share an enum, every constant is named;
 * <li>no reply is a number literal ({@code return {1}}): codes are returned by name, each one of the enum;
 * <li>the {@code KEYS[n]} and {@code ARGV} the script reads are the ones its header lists, in order, and its
 *     limits ({@code rl_limits}) start where the header says the variable keys and arguments do.
 * </ol>
 * A failure names the script and the constant or index.
 */
class ScriptContractTest {
  /** A script and the enum of its reply codes (null when it has none). */
  record Contract(String resource, Class<?> replies) {
    @Override
    public String toString() {
      return resource + (replies == null ? "" : " / " + replies.getSimpleName());
    }
  }

  static List<Contract> contracts() {
    return List.of(
        new Contract("redis/audit/append.lua", AppendReply.class),
        new Contract("redis/campaign/claim.lua", CampaignReply.class),
        new Contract("redis/campaign/finish.lua", CampaignReply.class),
        new Contract("redis/campaign/progress.lua", CampaignReply.class),
        new Contract("redis/campaign/start.lua", CampaignReply.class),
        new Contract("redis/election/count_lock.lua", null),
        new Contract("redis/election/emarge.lua", EmargeReply.class),
        new Contract("redis/election/seal_release.lua", null),
        new Contract("redis/oidc/put_hash.lua", null),
        new Contract("redis/oidc/redeem_code.lua", RedeemReply.class),
        new Contract("redis/outbox/accept.lua", AcceptReply.class),
        new Contract("redis/outbox/begin.lua", BeginReply.class),
        new Contract("redis/outbox/due_polls.lua", null),
        new Contract("redis/outbox/finish.lua", FinishReply.class),
        new Contract("redis/outbox/reap.lua", null),
        new Contract("redis/outbox/renew.lua", null),
        new Contract("redis/outbox/report.lua", ReportReply.class),
        new Contract("redis/roll/begin.lua", ImportLockReply.class),
        new Contract("redis/roll/finish.lua", null),
        new Contract("redis/roll/lock.lua", ImportLockReply.class),
        new Contract("redis/roll/progress.lua", null),
        new Contract("redis/roll/renew.lua", ImportLockReply.class),
        new Contract("redis/roll/unlock.lua", null),
        new Contract("redis/staff/attempt.lua", AttemptReply.class),
        new Contract("redis/staff/code_send.lua", CodeSendReply.class),
        new Contract("redis/staff/roles.lua", null),
        new Contract("redis/voter/import_voter.lua", ImportReply.class),
        new Contract("redis/voter/login_channel.lua", VoterReply.class),
        new Contract("redis/voter/login_secret.lua", VoterReply.class),
        new Contract("redis/voter/resend.lua", VoterReply.class),
        new Contract("redis/voter/session_end.lua", EndReply.class),
        new Contract("redis/voter/session_touch.lua", TouchReply.class),
        new Contract("redis/voter/unlock.lua", UnlockReply.class),
        new Contract("redis/voter/verify_code.lua", VoterReply.class),
        // the rate-limit module's script; its enum is package-private there
        new Contract("ratelimit/gcra.lua", gcraReply()));
  }

  private static Class<?> gcraReply() {
    try {
      return Class.forName("fr.sesame.ratelimit.redis.GcraReply");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final Pattern CODE_NAME = Pattern.compile("\\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\\b");
  private static final Pattern LOCALS = Pattern.compile(
      "^\\s*local\\s+([A-Z][A-Z0-9_]*(?:\\s*,\\s*[A-Z][A-Z0-9_]*)*)\\s*=\\s*(-?\\d+(?:\\s*,\\s*-?\\d+)*)\\s*$");
  private static final Pattern RETURNED_NAME =
      Pattern.compile("(?:\\breturn|\\brl_reply\\s*\\()\\s*\\{\\s*([A-Za-z_]\\w*)");
  private static final Pattern RETURNED_NUMBER = Pattern.compile("(?:\\breturn|\\brl_reply\\s*\\()\\s*\\{\\s*-?\\d");
  private static final Pattern KEY_INDEX = Pattern.compile("KEYS\\[(\\d+)(\\.\\.)?\\]");
  private static final Pattern ARG_INDEX = Pattern.compile("ARGV\\[(\\d+)(\\.\\.)?\\]");
  private static final Pattern RL_LIMITS = Pattern.compile("rl_limits\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,");

  /** One script as the tests read it. */
  record Script(String resource, List<String> header, String ownCode, String code) {
    static Script load(String resource) {
      String raw = read(resource);
      List<String> header = new ArrayList<>();
      StringBuilder own = new StringBuilder();
      boolean inHeader = true;
      for (String line : raw.split("\n", -1)) {
        if (inHeader && line.startsWith("--") && !line.startsWith("--#include")) {
          header.add(line.substring(2).startsWith(" ") ? line.substring(3) : line.substring(2));
          continue;
        }
        inHeader = false;
        if (!line.startsWith("--#include")) {
          own.append(uncommented(line)).append('\n');
        }
      }
      String expanded = LuaScript.load(resource).source();
      String code = Arrays.stream(expanded.split("\n", -1)).map(Script::uncommented).collect(Collectors.joining("\n"));
      return new Script(resource, header, own.toString(), code);
    }

    private static String uncommented(String line) {
      int comment = line.indexOf("--");
      return comment < 0 ? line : line.substring(0, comment);
    }

    /** A header item ({@code KEYS}, {@code ARGV}, {@code RETURNS}): its line and the indented ones after it. */
    String item(String label) {
      StringBuilder out = new StringBuilder();
      boolean in = false;
      for (String line : header) {
        if (line.startsWith(label)) {
          in = true;
          out.append(line.substring(label.length())).append('\n');
        } else if (in && (line.startsWith(" ") || line.isEmpty())) {
          out.append(line).append('\n');
        } else if (in) {
          in = false;
        }
      }
      return out.toString();
    }

    /** The codes the RETURNS header names: its UPPER_CASE words. */
    Set<String> documentedCodes() {
      Set<String> names = new TreeSet<>();
      Matcher m = CODE_NAME.matcher(item("RETURNS"));
      while (m.find()) {
        if (m.group().length() > 1) {
          names.add(m.group());
        }
      }
      return names;
    }

    /** Every {@code local A, B = 1, 2} of integers, includes too; a problem for a mismatch or a redefinition. */
    Map<String, Long> integerLocals(List<String> problems) {
      Map<String, Long> locals = new LinkedHashMap<>();
      for (String line : code.split("\n")) {
        Matcher m = LOCALS.matcher(line);
        if (!m.matches()) {
          continue;
        }
        String[] names = m.group(1).split("\\s*,\\s*");
        String[] values = m.group(2).split("\\s*,\\s*");
        if (names.length != values.length) {
          problems.add(resource + ": `" + line.trim() + "` gives " + values.length + " numbers to " + names.length
              + " names");
        }
        for (int i = 0; i < Math.min(names.length, values.length); i++) {
          Long before = locals.put(names[i], Long.parseLong(values[i]));
          if (before != null && before != Long.parseLong(values[i])) {
            problems.add(resource + ": " + names[i] + " is declared twice, as " + before + " and " + values[i]);
          }
        }
      }
      return locals;
    }

    /** Whether the code (includes in place, declarations aside) uses {@code name}. */
    boolean uses(String name) {
      Pattern p = Pattern.compile("\\b" + name + "\\b");
      return code.lines().filter(l -> !LOCALS.matcher(l).matches()).anyMatch(l -> p.matcher(l).find());
    }
  }

  private static List<ReplyCode> codes(Class<?> type) {
    return Arrays.stream(type.getEnumConstants()).map(ReplyCode.class::cast).toList();
  }

  private static void report(List<String> problems) {
    if (!problems.isEmpty()) {
      fail(problems.size() + " contract problem(s):\n  " + String.join("\n  ", problems));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void everyReplyCodeIsALuaLocalOfTheSameNameAndNumber(Contract c) {
    List<String> problems = new ArrayList<>();
    Script s = Script.load(c.resource());
    Map<String, Long> locals = s.integerLocals(problems);
    if (c.replies() != null) {
      Set<Integer> numbers = new LinkedHashSet<>();
      for (ReplyCode code : codes(c.replies())) {
        String java = c.replies().getSimpleName() + "." + code.name();
        Long lua = locals.get(code.name());
        if (lua == null) {
          problems.add(c.resource() + ": " + java + " (" + code.code() + ") is not declared in the script "
              + "(`local " + code.name() + " = " + code.code() + "`)");
        } else if (lua != code.code()) {
          problems.add(c.resource() + ": " + java + " is " + code.code() + " in Java but " + lua + " in the script");
        }
        if (!numbers.add(code.code())) {
          problems.add(c.replies().getSimpleName() + ": " + code.code() + " is the number of two constants");
        }
      }
    }
    report(problems);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void theReturnsHeaderNamesTheScriptsCodesAndOnlyThem(Contract c) {
    List<String> problems = new ArrayList<>();
    Script s = Script.load(c.resource());
    if (s.item("RETURNS").isBlank()) {
      problems.add(c.resource() + ": the header has no `-- RETURNS` line");
    }
    Set<String> documented = s.documentedCodes();
    if (c.replies() == null) {
      if (!documented.isEmpty()) {
        problems.add(c.resource() + ": the RETURNS header names " + documented + ", but the script has no reply codes");
      }
      report(problems);
      return;
    }
    String type = c.replies().getSimpleName();
    Set<String> names = codes(c.replies()).stream().map(ReplyCode::name).collect(Collectors.toSet());
    if (!s.item("RETURNS").contains(type)) {
      problems.add(c.resource() + ": the RETURNS header does not name its Java type (" + type + ")");
    }
    for (String code : documented) {
      if (!names.contains(code)) {
        problems.add(c.resource() + ": the RETURNS header names " + code + ", which " + type + " does not have");
      } else if (!s.uses(code)) {
        problems.add(c.resource() + ": the RETURNS header names " + code + ", which the script never gives");
      }
    }
    for (String code : names) {
      if (!documented.contains(code) && Pattern.compile("\\b" + code + "\\b").matcher(s.ownCode()).find()) {
        problems.add(c.resource() + ": the script gives " + type + "." + code + ", which its RETURNS header omits");
      }
    }
    report(problems);
  }

  @Test
  void everyConstantOfAnEnumIsDocumentedByOneOfItsScripts() {
    List<String> problems = new ArrayList<>();
    Map<Class<?>, Set<String>> documented = new LinkedHashMap<>();
    for (Contract c : contracts()) {
      if (c.replies() != null) {
        documented.computeIfAbsent(c.replies(), k -> new TreeSet<>())
            .addAll(Script.load(c.resource()).documentedCodes());
      }
    }
    documented.forEach((type, names) -> {
      for (ReplyCode code : codes(type)) {
        if (!names.contains(code.name())) {
          problems.add(type.getSimpleName() + "." + code.name() + " is in no RETURNS header of its scripts: "
              + "a code no script gives");
        }
      }
    });
    report(problems);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void repliesAreCodesByNameNeverNumberLiterals(Contract c) {
    List<String> problems = new ArrayList<>();
    Script s = Script.load(c.resource());
    Set<String> names = c.replies() == null ? Set.of()
        : codes(c.replies()).stream().map(ReplyCode::name).collect(Collectors.toSet());
    for (String line : s.code().split("\n")) {
      if (RETURNED_NUMBER.matcher(line).find()) {
        problems.add(c.resource() + ": `" + line.trim() + "` returns a number literal as its code");
      }
      Matcher m = RETURNED_NAME.matcher(line);
      while (m.find()) {
        if (CODE_NAME.matcher(m.group(1)).matches() && !names.contains(m.group(1))) {
          problems.add(c.resource() + ": `" + line.trim() + "` returns " + m.group(1) + ", which "
              + (c.replies() == null ? "is no reply code" : c.replies().getSimpleName() + " does not have"));
        }
      }
    }
    report(problems);
  }

  private static final Pattern HASH_TAG = Pattern.compile("\\{([^}]*)\\}");

  /**
   * Redis Cluster (issue 17): every key a script is given hashes to one slot. Each {@code KEYS} item of the header
   * names its key with its hash tag ({@code gw:{v:P}}, {@code gw:{el:E}:audit}); an item that says what it is on a
   * cluster ({@code (Redis Cluster: gw:{v:P}:pc ...)}) counts by that. The tags, variables included ({@code P},
   * {@code E}: the same voter, the same election), must be one. Items naming no tag (the login limits,
   * {@code KEYS[5..]}, given only on one Redis: on a cluster they are reserved apart, ReservedLimits; the outbox's
   * paid-send caps, {@code rl:{nt}}) are not checked here: ClusterJourneyTest runs them on a cluster, where Redis
   * refuses a script whose keys span slots (CROSSSLOT).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void theKeysOfAScriptShareOneHashTag(Contract c) {
    Script s = Script.load(c.resource());
    Map<String, String> tags = new LinkedHashMap<>();
    String item = null;
    StringBuilder text = new StringBuilder();
    List<String> lines = new ArrayList<>(s.header());
    lines.add("END");
    for (String line : lines) {
      if (item != null && (line.startsWith(" ") || line.isEmpty())) {
        text.append(' ').append(line.strip());
        continue;
      }
      if (item != null) {
        String t = text.toString();
        int cluster = t.indexOf("Redis Cluster:");
        Matcher m = HASH_TAG.matcher(cluster >= 0 ? t.substring(cluster) : t);
        if (m.find()) {
          tags.put(item, m.group(1));
        }
        item = null;
      }
      Matcher k = KEY_INDEX.matcher(line);
      if (line.startsWith("KEYS[") && k.lookingAt()) {
        item = line.substring(0, k.end());
        text = new StringBuilder(line.substring(k.end()));
      }
    }
    assertThat(new TreeSet<>(tags.values())).as(c.resource() + ": the hash tags of its keys " + tags).hasSizeLessThanOrEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void theHeaderListsTheKeysAndArgumentsTheScriptReads(Contract c) {
    List<String> problems = new ArrayList<>();
    Script s = Script.load(c.resource());
    String r = c.resource();

    Set<Integer> keys = new TreeSet<>();
    Integer keysFrom = null;
    Matcher k = KEY_INDEX.matcher(String.join("\n", s.header()));
    while (k.find()) {
      int n = Integer.parseInt(k.group(1));
      if (k.group(2) != null) {
        keysFrom = keysFrom == null ? n : Math.min(keysFrom, n);
      } else {
        keys.add(n);
      }
    }
    checkPositions(problems, r, "KEYS", keys.size(), keys, keysFrom, indices(KEY_INDEX, s.ownCode()), false);

    String argv = s.item("ARGV");
    int named = positionalArguments(argv);
    Set<Integer> documentedArgs = new TreeSet<>();
    for (int i = 1; i <= named; i++) {
      documentedArgs.add(i);
    }
    Integer argsFrom = null;
    Matcher a = ARG_INDEX.matcher(argv);
    while (a.find()) {
      if (a.group(2) != null) {
        argsFrom = Integer.parseInt(a.group(1));
      }
    }
    checkPositions(problems, r, "ARGV", named, documentedArgs, argsFrom, indices(ARG_INDEX, s.ownCode()), true);

    Matcher limits = RL_LIMITS.matcher(s.ownCode());
    while (limits.find()) {
      int firstKey = Integer.parseInt(limits.group(1));
      int firstArg = Integer.parseInt(limits.group(2));
      if (keysFrom == null || firstKey != keysFrom) {
        problems.add(r + ": rl_limits reads its keys from KEYS[" + firstKey + "], the header's variable keys start at "
            + (keysFrom == null ? "none" : "KEYS[" + keysFrom + "..]"));
      }
      if (argsFrom == null || firstArg != argsFrom + 1) {
        problems.add(r + ": rl_limits reads its triplets from ARGV[" + firstArg + "], after now_us the header puts "
            + (argsFrom == null ? "nowhere" : "at ARGV[" + argsFrom + "]"));
      }
    }
    report(problems);
  }

  /**
   * @param count      how many fixed positions the header documents (1..count)
   * @param documented those positions
   * @param from       where the header's variable part starts ({@code KEYS[4..]}), or null
   * @param read       the literal indices the script's own code reads
   * @param allRead    whether every documented position must be read literally
   */
  private static void checkPositions(List<String> problems, String r, String what, int count, Set<Integer> documented,
                                     Integer from, Set<Integer> read, boolean allRead) {
    for (int i = 1; i <= count; i++) {
      if (!documented.contains(i)) {
        problems.add(r + ": the header skips " + what + "[" + i + "]");
      }
    }
    if (from != null && from != count + 1) {
      problems.add(r + ": the header's " + what + "[" + from + "..] does not follow its " + count + " fixed ones");
    }
    for (int n : read) {
      if (!documented.contains(n) && (from == null || n < from)) {
        problems.add(r + ": the script reads " + what + "[" + n + "], which its header does not list");
      }
    }
    if (allRead) {
      for (int n : documented) {
        if (!read.contains(n)) {
          problems.add(r + ": the header lists " + what + "[" + n + "], which the script never reads");
        }
      }
    }
  }

  private static Set<Integer> indices(Pattern p, String code) {
    Set<Integer> out = new TreeSet<>();
    Matcher m = p.matcher(code);
    while (m.find()) {
      out.add(Integer.parseInt(m.group(1)));
    }
    return out;
  }

  /** The ARGV header's fixed arguments: its items (commas outside parentheses) before one that starts "then". */
  static int positionalArguments(String argv) {
    if (argv.isBlank()) {
      return 0;
    }
    List<String> items = new ArrayList<>();
    StringBuilder item = new StringBuilder();
    int depth = 0;
    for (char ch : argv.replace('\n', ' ').toCharArray()) {
      if (ch == '(') {
        depth++;
      } else if (ch == ')') {
        depth--;
      }
      if (ch == ',' && depth == 0) {
        items.add(item.toString().trim());
        item.setLength(0);
      } else {
        item.append(ch);
      }
    }
    items.add(item.toString().trim());
    int n = 0;
    for (String i : items) {
      if (i.startsWith("then ")) {
        break;
      }
      n++;
    }
    return n;
  }

  @Test
  void everyEntryScriptOfTheGatewayHasAContract() throws IOException, URISyntaxException {
    Path redis = Path.of(ScriptContractTest.class.getClassLoader().getResource("redis/voter/unlock.lua").toURI())
        .getParent().getParent();
    Set<String> covered = contracts().stream().map(Contract::resource).collect(Collectors.toSet());
    try (Stream<Path> files = Files.walk(redis)) {
      List<String> scripts = files.filter(f -> f.toString().endsWith(".lua"))
          .map(f -> "redis/" + redis.relativize(f).toString().replace('\\', '/'))
          .filter(f -> !f.startsWith("redis/lib/")).sorted().toList();
      assertThat(scripts).as("entry scripts with no row in contracts()").isNotEmpty()
          .allSatisfy(f -> assertThat(covered).as(f + " has no contract").contains(f));
    }
  }

  @Test
  void theLimitLibrarysChargeModesAreStepLimitsCodes() {
    List<String> problems = new ArrayList<>();
    Map<String, Long> locals = Script.load("ratelimit/gcra.lua").integerLocals(problems);
    for (StepLimits.Charge charge : StepLimits.Charge.values()) {
      Long lua = locals.get("RL_" + charge.name());
      if (lua == null || lua != ScriptLimits.mode(charge)) {
        problems.add("ratelimit/lib/gcra.lua: StepLimits.Charge." + charge.name() + " is " + ScriptLimits.mode(charge)
            + " in Java but RL_" + charge.name() + " is " + lua + " in the library");
      }
    }
    report(problems);
  }

  private static String read(String resource) {
    try (InputStream in = ScriptContractTest.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }
}
