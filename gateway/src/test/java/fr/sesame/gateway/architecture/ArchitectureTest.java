package fr.sesame.gateway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module and package rules, checked on the compiled classes of every module (redis-kit, rate-limit,
 * channels, gateway): a cycle or a dependency against the layers fails the build. The layers:
 * <pre>
 *   root (Gateway, GatewayMain: the composition root), dev
 *     → http (handlers, problem rendering)
 *       → services: auth, notify, election, roll, audit, health, staff, campaign, admission
 *         → ports: store          ← store.redis (adapters)
 *           → domain, problem (values), config, crypto, metrics
 * </pre>
 * Services see neither Vert.x Web, nor Lettuce, nor the Redis adapters or kit; the ports see no Redis; the
 * modules below the gateway never see it.
 */
class ArchitectureTest {
  private static final String GW = "fr.sesame.gateway";
  private static final String[] SERVICES = {GW + ".auth..", GW + ".notify..", GW + ".election..", GW + ".roll..",
      GW + ".evidence..", GW + ".audit..", GW + ".health..", GW + ".staff..", GW + ".campaign..",
      GW + ".retention..", GW + ".admission.."};
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("fr.sesame");
  }

  @Test
  void noPackageOfAnyModuleIsInACycle() {
    check(slices().matching("fr.sesame.(**)").should().beFreeOfCycles());
  }

  @Test
  void gatewayLayersPointOneWay() {
    check(layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("Root").definedBy(GW)
        .layer("Dev").definedBy(GW + ".dev..")
        .layer("Http").definedBy(GW + ".http..")
        .layer("Services").definedBy(SERVICES)
        .layer("Ports").definedBy(GW + ".store")
        .layer("Adapters").definedBy(GW + ".store.redis..")
        .layer("Values").definedBy(GW + ".domain..", GW + ".problem..")
        .layer("Support").definedBy(GW + ".config..", GW + ".crypto..", GW + ".metrics..")
        .whereLayer("Root").mayNotBeAccessedByAnyLayer()
        .whereLayer("Dev").mayOnlyBeAccessedByLayers("Root")
        .whereLayer("Http").mayOnlyBeAccessedByLayers("Root")
        .whereLayer("Services").mayOnlyBeAccessedByLayers("Root", "Http")
        .whereLayer("Adapters").mayOnlyBeAccessedByLayers("Root")
        .whereLayer("Ports").mayOnlyBeAccessedByLayers("Root", "Services", "Adapters")
        .whereLayer("Values").mayOnlyBeAccessedByLayers("Root", "Dev", "Http", "Services", "Ports", "Adapters",
            "Support")
        .whereLayer("Support").mayOnlyBeAccessedByLayers("Root", "Dev", "Http", "Services", "Ports", "Adapters",
            "Values"));
  }

  @Test
  void servicesSeeNeitherTheWebNorRedis() {
    check(noClasses().that().resideInAnyPackage(SERVICES).should().dependOnClassesThat().resideInAnyPackage(
        "io.vertx.ext.web..", "io.lettuce..", "fr.sesame.redis..", "fr.sesame.ratelimit.redis..",
        GW + ".store.redis..", GW + ".http.."));
  }

  @Test
  void servicesTalkThroughTypedInterfacesNotTheEventBus() {
    check(noClasses().that().resideInAnyPackage(SERVICES).should().dependOnClassesThat()
        .resideInAPackage("io.vertx.core.eventbus.."));
  }

  @Test
  void onlyTheCompositionRootAssemblesTheNotificationChains() {
    check(noClasses().that().resideInAPackage(GW + "..").and().resideOutsideOfPackages(GW, GW + ".config..")
        .should().dependOnClassesThat().resideInAPackage("fr.sesame.channels.config.."));
  }

  @Test
  void theLimitsCoreIsStorageNeutral() {
    check(noClasses().that().resideInAnyPackage("fr.sesame.ratelimit", "fr.sesame.ratelimit.local..",
            "fr.sesame.ratelimit.fraud..")
        .should().dependOnClassesThat().resideInAnyPackage("io.lettuce..", "fr.sesame.redis..",
            "fr.sesame.ratelimit.redis.."));
  }

  @Test
  void portsAndValuesSeeNoRedisNorTheWeb() {
    check(noClasses().that().resideInAnyPackage(GW + ".store", GW + ".domain..", GW + ".problem..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx.ext.web..", "io.lettuce..", "fr.sesame.redis..",
            "fr.sesame.ratelimit.redis.."));
  }

  @Test
  void modulesBelowTheGatewayNeverSeeIt() {
    check(noClasses().that().resideInAnyPackage("fr.sesame.channels..", "fr.sesame.ratelimit..", "fr.sesame.redis..")
        .should().dependOnClassesThat().resideInAPackage(GW + ".."));
    check(noClasses().that().resideInAPackage("fr.sesame.redis..")
        .should().dependOnClassesThat().resideInAnyPackage("fr.sesame.ratelimit..", "fr.sesame.channels.."));
  }

  private static void check(ArchRule rule) {
    rule.check(classes);
  }
}
