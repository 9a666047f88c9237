package fr.sesame.gateway.http.console;

import fr.sesame.gateway.auth.SupportService;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.http.RouteGroup;
import fr.sesame.gateway.http.Routes;
import fr.sesame.gateway.http.pages.Pages;
import fr.sesame.gateway.staff.StaffService;
import io.vertx.ext.web.Router;

/**
 * The staff console: login with a password and an authenticator app's code or an SMS code, the invitation, the
 * elections of the staff member's roles, support's voter page, the roll import, the credential campaigns, an
 * election created or changed, its team. Server-rendered, French first, usable without
 * JavaScript; every form carries a CSRF token bound to the browser. Each action calls the same service as the API
 * under the person's own identity. A staff member sees only the elections of their roles: any other is answered as
 * unknown (404). The pages are grouped by task, each group in its own class sharing a {@link ConsoleKit}.
 */
public final class ConsolePages implements RouteGroup {
  static final String SESSION_COOKIE = ConsoleKit.SESSION_COOKIE;
  static final String PENDING_COOKIE = ConsoleKit.PENDING_COOKIE;
  private final ConsoleLogin login;
  private final ConsoleInvitation invitation;
  private final ConsoleElection election;
  private final ConsoleImport imports;
  private final ConsoleVoters voters;
  private final ConsoleCampaigns campaigns;
  private final ConsoleElectionForm electionForm;
  private final ConsoleTeam team;
  private final ConsoleJournal journal;
  private final ConsoleProviders providers;
  private final ConsoleEvidence evidence;
  private final ConsoleIncidents incidents;
  private final ConsoleSeals sealPages;
  private final ConsoleDestruction destruction;

  public ConsolePages(StaffService staff, SupportService support, ElectionService elections, Pages pages,
                      KeyedHasher hasher, fr.sesame.gateway.election.TurnoutService turnout,
                      fr.sesame.gateway.audit.AuditVerifier verifier, fr.sesame.gateway.auth.EmargementList emargements,
                      fr.sesame.gateway.audit.AuditTrail audit, java.time.Clock clock,
                      fr.sesame.gateway.roll.RollImportJobs imports,
                      fr.sesame.gateway.campaign.CampaignService campaigns,
                      fr.sesame.gateway.election.ElectionDefinitions definitions,
                      fr.sesame.gateway.audit.AuditJournal journal, fr.sesame.gateway.health.ProviderHealth providers,
                      fr.sesame.gateway.evidence.EvidenceBundle bundle, fr.sesame.gateway.evidence.IncidentLog incidents,
                      fr.sesame.gateway.evidence.SealService seals,
                      fr.sesame.gateway.retention.DestructionService destruction) {
    ConsoleKit kit = new ConsoleKit(staff, pages, hasher, clock);
    this.login = new ConsoleLogin(kit, elections);
    this.invitation = new ConsoleInvitation(kit);
    this.election = new ConsoleElection(kit, elections, turnout, verifier, emargements, audit, journal);
    this.imports = new ConsoleImport(kit, elections, imports);
    this.voters = new ConsoleVoters(kit, elections, support);
    this.campaigns = new ConsoleCampaigns(kit, elections, campaigns);
    this.electionForm = new ConsoleElectionForm(kit, elections, definitions);
    this.team = new ConsoleTeam(kit);
    this.journal = new ConsoleJournal(kit, journal);
    this.providers = new ConsoleProviders(kit, providers);
    this.evidence = new ConsoleEvidence(kit, bundle, seals);
    this.incidents = new ConsoleIncidents(kit, elections, incidents);
    this.sealPages = new ConsoleSeals(kit, elections, seals);
    this.destruction = new ConsoleDestruction(kit, elections, destruction);
  }

  @Override
  public void mount(Router router, Routes routes) {
    login.mount(router, routes);
    invitation.mount(router, routes);
    election.mount(router, routes);
    voters.mount(router, routes);
    imports.mount(router, routes);
    campaigns.mount(router, routes);
    electionForm.mount(router, routes);
    team.mount(router, routes);
    journal.mount(router, routes);
    providers.mount(router, routes);
    evidence.mount(router, routes);
    incidents.mount(router, routes);
    sealPages.mount(router, routes);
    destruction.mount(router, routes);
  }
}
