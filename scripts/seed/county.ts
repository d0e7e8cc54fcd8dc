/**
 * A synthetic wellbeing services county, Kanta-Häme, with three shared plans as the seed reports
 * describe them: a family-centre Omatiimi case (a child, the guardians, the school social
 * worker, a family worker and a public-health nurse), an emergency-department frequent visitor
 * (more than 8 visits in 6 months), and an adult in substance-abuse and mental-health services
 * (Swedish-speaking). Organisations of both sectors each write as themselves (custodians
 * differ); every resource has a business identifier, so the batches are conditional creates.
 *
 * Identities are synthetic only: henkilötunnus individual numbers 900–999 with correct check
 * characters; organisation OIDs under business IDs 9990001-0 and 9990002-0, which fail the
 * Y-tunnus checksum and so name no real organisation; Valvira numbers starting 999.
 * Dates are relative to the day of seeding, so some reviews are always overdue.
 */
import type { Bundle, CarePlan, CareTeam, Consent, FhirResource, Goal, RelatedPerson } from 'fhir/r4.js';
import { COORDINATOR_ROLE, PROFILES } from '../../functions/api/profile/canonical.js';
import {
  clientRef,
  conditionalRef,
  consentMethod,
  consentStorage,
  createOnce,
  dateTime,
  day,
  identifier,
  nextReview,
  organisationRef,
  professionalRef,
  role,
  supportingFactor,
  type Client,
  type Language,
  type Organisation,
  type Professional,
} from './builders.js';

/**
 * Whether seeded resources claim the shared-plan profiles in `meta.profile`. One switch, so the
 * seed can follow the server: turn it off if the server refuses a profile it does not know yet.
 */
export const CLAIM_PROFILES = true;

const COUNTY = '1.2.246.10.99900010.10';
const ORG = {
  familyCentre: { oid: `${COUNTY}.11`, name: 'Kanta-Hämeen hyvinvointialue, Hämeenlinnan perhekeskus', sector: 'social care' },
  adultSocialWork: { oid: `${COUNTY}.12`, name: 'Kanta-Hämeen hyvinvointialue, aikuissosiaalityö Riihimäki', sector: 'social care' },
  studentWelfare: { oid: `${COUNTY}.13`, name: 'Kanta-Hämeen hyvinvointialue, opiskeluhuollon kuraattoripalvelut', sector: 'social care' },
  healthCentre: { oid: `${COUNTY}.21`, name: 'Kanta-Hämeen hyvinvointialue, Hämeenlinnan terveysasema', sector: 'health care' },
  emergency: { oid: `${COUNTY}.22`, name: 'Kanta-Hämeen hyvinvointialue, keskussairaalan yhteispäivystys', sector: 'health care' },
  mentalHealth: { oid: `${COUNTY}.23`, name: 'Kanta-Hämeen hyvinvointialue, mielenterveys- ja päihdepalvelut Riihimäki', sector: 'health care' },
  aClinic: { oid: '1.2.246.10.99900020.10.1', name: 'A-klinikka Riihimäki (järjestö)', sector: 'third sector' },
} as const satisfies Record<string, Organisation>;

/** The organisations of the county. */
export const ORGANISATIONS: readonly Organisation[] = Object.values(ORG);

const pro = (registration: string, name: string, organisation: Organisation): Professional => ({ registration, name, organisation });
const PRO = {
  familyWorker: pro('99900000101', 'Perhetyöntekijä Liisa Laaksonen', ORG.familyCentre),
  kuraattori: pro('99900000102', 'Koulukuraattori Jussi Kallio', ORG.studentWelfare),
  publicHealthNurse: pro('99900000103', 'Terveydenhoitaja Anu Heino', ORG.healthCentre),
  edNurse: pro('99900000201', 'Sairaanhoitaja Timo Rantanen', ORG.emergency),
  edPhysician: pro('99900000202', 'Lääkäri Kaisa Aalto', ORG.emergency),
  healthCentreNurse: pro('99900000203', 'Sairaanhoitaja Minna Koskinen', ORG.healthCentre),
  socialCounsellor: pro('99900000204', 'Sosiaaliohjaaja Pekka Salonen', ORG.adultSocialWork),
  socialWorker: pro('99900000301', 'Socialarbetare Anna Sjöberg', ORG.adultSocialWork),
  psychiatricNurse: pro('99900000302', 'Psykiatrisk sjukskötare Mikael Holm', ORG.mentalHealth),
  ngoWorker: pro('99900000303', 'Järjestötoimija Sari Nieminen', ORG.aClinic),
} as const;

/** The clients: synthetic henkilötunnus, individual numbers 951–955. */
export const CLIENTS = {
  child: { hetu: '120314A951E', name: 'Eetu Virtanen' },
  frequentVisitor: { hetu: '070561-9542', name: 'Raimo Lehtinen' },
  adult: { hetu: '230988-955L', name: 'Johan Lindqvist' },
} as const satisfies Record<string, Client>;

/** One transaction Bundle, written by one organisation with its own token. */
export interface SeedBatch {
  readonly organisation: Organisation;
  readonly description: string;
  readonly bundle: Bundle;
}

const profiled = <T extends FhirResource>(resource: T, url: string): T => (CLAIM_PROFILES ? { ...resource, meta: { ...resource.meta, profile: [url] } } : resource);
const SHARED_PLAN_CATEGORY = { coding: [{ system: 'http://snomed.info/sct', code: '734163000', display: 'Care plan' }], text: 'Monialainen yhteinen asiakassuunnitelma' };
const OMATIIMI_CATEGORY = { coding: [{ system: 'http://loinc.org', code: 'LA28865-6', display: 'Longitudinal care-coordination focused care team' }], text: 'Omatiimi' };
const IRCP = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] };

type Seeded = CarePlan | CareTeam | Consent | Goal;

function transaction(organisation: Organisation, description: string, entries: readonly (readonly [string, Seeded])[]): SeedBatch {
  return { organisation, description, bundle: { resourceType: 'Bundle', type: 'transaction', entry: entries.map(([fullUrl, resource]) => createOnce(fullUrl, resource)) } };
}

interface ConsentInput {
  readonly id: string;
  readonly custodian: Organisation;
  readonly client: Client;
  readonly givenBy: Consent['performer'];
  readonly method: 'written' | 'oral' | 'electronic';
  readonly storage: 'electronic' | 'paper';
  readonly storedIn: string;
  readonly asked: string;
  readonly period: { readonly start: string; readonly end: string };
  readonly recipients: readonly Organisation[];
}

function consent(input: ConsentInput): Consent {
  return profiled<Consent>(
    {
      resourceType: 'Consent',
      extension: [consentMethod(input.method), consentStorage(input.storage)],
      identifier: [identifier(input.custodian, input.id)],
      status: 'active',
      scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Consent Document' }], text: 'Suostumus tietojen luovuttamiseen sosiaali- ja terveydenhuollon välillä' }],
      patient: clientRef(input.client),
      dateTime: input.asked,
      ...(input.givenBy ? { performer: input.givenBy } : {}),
      organization: [organisationRef(input.custodian)],
      // The place: a document in a record system, or where the paper is kept.
      ...(input.storage === 'electronic' ? { sourceReference: { display: input.storedIn } } : { sourceAttachment: { title: input.storedIn } }),
      policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
      provision: {
        type: 'permit',
        period: { ...input.period },
        actor: input.recipients.map((recipient) => ({ role: IRCP, reference: organisationRef(recipient) })),
      },
    },
    PROFILES.consent.url,
  );
}

function goal(custodian: Organisation, id: string, client: Client, text: string, due: string, language: Language = 'fi'): Goal {
  return profiled<Goal>(
    {
      resourceType: 'Goal',
      ...(language === 'sv' ? { language: 'sv' } : {}),
      identifier: [identifier(custodian, id)],
      lifecycleStatus: 'active',
      description: { text },
      subject: clientRef(client),
      expressedBy: clientRef(client),
      target: [{ dueDate: due }],
    },
    PROFILES.goal.url,
  );
}

type Participant = NonNullable<CareTeam['participant']>[number];
const member = (professional: Professional, roles: string[], language: Language, period?: { start: string; end?: string }): Participant => ({
  role: roles.map((code) => role(code, language)),
  member: professionalRef(professional),
  onBehalfOf: organisationRef(professional.organisation),
  ...(period ? { period } : {}),
});
const coordinator = (professional: Professional, profession: string, language: Language, period: { start: string; end?: string }): Participant =>
  member(professional, [COORDINATOR_ROLE, profession], language, period);
const asClient = (client: Client, language: Language): Participant => ({ role: [role('client', language)], member: clientRef(client) });

/** A guardian of a minor client, contained in the care team (a private person has no record of their own here). */
const guardian = (id: string, child: Client, relationship: 'MTH' | 'FTH', name: string): RelatedPerson => ({
  resourceType: 'RelatedPerson',
  id,
  patient: clientRef(child),
  relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: relationship, display: relationship === 'MTH' ? 'mother' : 'father' }] }],
  name: [{ text: name }],
});

/** Family centre (social care): a 12-year-old who has stopped going to school, Omatiimi around the family. */
function familyCentreCase(today: Date): SeedBatch[] {
  const child = CLIENTS.child;
  const org = ORG.familyCentre;
  const goals = [
    goal(org, 'TAVOITE-2025-0411-1', child, 'Haluan käydä koulussa joka päivä, ja että aamut ei olis niin vaikeita.', day(today, 120)),
    goal(org, 'TAVOITE-2025-0411-2', child, 'Haluan taas pelata sählyä kavereiden kanssa.', day(today, 60)),
    goal(org, 'TAVOITE-2025-0411-3', child, 'Haluan että kotona riidellään vähemmän.', day(today, 150)),
  ];
  const team = profiled<CareTeam>(
    {
      resourceType: 'CareTeam',
      contained: [guardian('aiti', child, 'MTH', 'Sanna Virtanen'), guardian('isa', child, 'FTH', 'Mikko Virtanen')],
      identifier: [identifier(org, 'OMATIIMI-2025-0411')],
      status: 'active',
      category: [OMATIIMI_CATEGORY],
      name: 'Eetun omatiimi',
      subject: clientRef(child),
      period: { start: day(today, -90) },
      participant: [
        asClient(child, 'fi'),
        { role: [role('guardian')], member: { reference: '#aiti', type: 'RelatedPerson', display: 'Sanna Virtanen (äiti)' } },
        { role: [role('guardian')], member: { reference: '#isa', type: 'RelatedPerson', display: 'Mikko Virtanen (isä)' } },
        // The hand-over: the family worker coordinated the first two months, the school social worker since.
        coordinator(PRO.familyWorker, 'family-worker', 'fi', { start: day(today, -90), end: day(today, -31) }),
        coordinator(PRO.kuraattori, 'school-social-worker', 'fi', { start: day(today, -30) }),
        member(PRO.familyWorker, ['family-worker'], 'fi'),
        member(PRO.publicHealthNurse, ['public-health-nurse'], 'fi'),
      ],
      managingOrganization: [organisationRef(org)],
    },
    PROFILES.careTeam.url,
  );
  const plan = profiled<CarePlan>(
    {
      resourceType: 'CarePlan',
      extension: [
        nextReview(day(today, 21)),
        supportingFactor('Eetu: "Mummolassa on kivaa, ja sählyssä mä oon hyvä."'),
        supportingFactor('Vanhemmat ovat sitoutuneet yhteisiin tapaamisiin; isä voi viedä Eetun kouluun aamuisin.'),
      ],
      identifier: [identifier(org, 'HOPA-2025-0411')],
      status: 'active',
      intent: 'plan',
      category: [SHARED_PLAN_CATEGORY],
      title: 'Eetun yhteinen suunnitelma (Omatiimi)',
      description: 'Asiakkaan tarve omin sanoin: "Mua jännittää mennä kouluun, ja aamulla mahaan sattuu." Huoltajat: "Aamut ovat riitaa, emmekä saa Eetua lähtemään."',
      subject: clientRef(child),
      period: { start: day(today, -90), end: day(today, 275) },
      created: dateTime(today, -90, '14:30'),
      author: organisationRef(org),
      contributor: [clientRef(child), { display: 'Sanna ja Mikko Virtanen (huoltajat)' }, professionalRef(PRO.familyWorker), professionalRef(PRO.kuraattori), professionalRef(PRO.publicHealthNurse)],
      careTeam: [{ reference: 'urn:uuid:5d0c1f43-0f4e-4c55-9a57-3b1c2a0e0411' }],
      goal: goals.map((_, n) => ({ reference: `urn:uuid:5d0c1f43-0f4e-4c55-9a57-3b1c2a0e041${n + 2}` })),
      supportingInfo: [{ display: 'Poissaoloja syyslukukaudella 46 tuntia; vatsakivut tutkittu terveysasemalla, ei elimellistä syytä' }],
      activity: [
        { detail: { kind: 'Appointment', code: { text: 'Läheisneuvonpito' }, status: 'completed', scheduledPeriod: { start: day(today, -70), end: day(today, -60) }, performer: [professionalRef(PRO.familyWorker)], description: 'Läheisneuvonpito kuukauden kuluessa: mukaan mummo ja valmentaja.' } },
        { detail: { kind: 'Appointment', code: { text: 'Kuraattorin tapaamiset' }, status: 'in-progress', scheduledString: 'Joka tiistai klo 9.00 koulupäivän aikana, kevätlukukausi', performer: [professionalRef(PRO.kuraattori)], description: 'Jännityksen käsittely ja porrastettu paluu kouluun.' } },
        { detail: { kind: 'Appointment', code: { text: 'Terveydenhoitajan seurantakäynti' }, status: 'scheduled', scheduledPeriod: { start: day(today, 14), end: day(today, 21) }, performer: [professionalRef(PRO.publicHealthNurse)], description: 'Vatsakivut ja uni; kasvun seuranta.' } },
        { detail: { kind: 'Appointment', code: { text: 'Omatiimin verkostotapaaminen' }, status: 'scheduled', scheduledString: 'Keskiviikkoisin klo 14.30–15.30 (perhekeskuksen vakioaika), seuraava 3 viikon kuluttua', performer: [organisationRef(org)], description: 'Arvioidaan tavoitteet yhdessä Eetun ja huoltajien kanssa.' } },
      ],
      note: [{ time: dateTime(today, -90, '15:30'), text: 'Muuta: perhetyö jatkuu kotikäynteinä kerran viikossa. Suunnitelma annettu huoltajille.' }],
    },
    PROFILES.carePlan.url,
  );
  const permission = consent({
    id: 'SUOSTUMUS-2025-0411',
    custodian: org,
    client: child,
    givenBy: [{ type: 'RelatedPerson', display: 'Sanna ja Mikko Virtanen (huoltajat)' }],
    method: 'written',
    storage: 'electronic',
    storedIn: 'Skannattu perhekeskuksen asiakastietojärjestelmään (SosiaaliEffica)',
    asked: dateTime(today, -92, '10:00'),
    period: { start: day(today, -92), end: day(today, 273) },
    recipients: [ORG.studentWelfare, ORG.healthCentre],
  });
  return [
    transaction(org, 'family-centre Omatiimi: Eetu and his guardians', [
      ['urn:uuid:5d0c1f43-0f4e-4c55-9a57-3b1c2a0e0410', permission],
      ['urn:uuid:5d0c1f43-0f4e-4c55-9a57-3b1c2a0e0411', team],
      ...goals.map((resource, n) => [`urn:uuid:5d0c1f43-0f4e-4c55-9a57-3b1c2a0e041${n + 2}`, resource] as const),
      ['urn:uuid:5d0c1f43-0f4e-4c55-9a57-3b1c2a0e0415', plan],
    ]),
  ];
}

/** Emergency department (health care): 11 visits in 6 months triggered the joint plan. */
function emergencyCase(today: Date): SeedBatch[] {
  const client = CLIENTS.frequentVisitor;
  const org = ORG.emergency;
  const goals = [
    goal(org, 'TAVOITE-2025-0702-1', client, 'Haluan saada arjen takaisin hallintaan, etten joudu koko ajan päivystykseen.', day(today, 90)),
    goal(org, 'TAVOITE-2025-0702-2', client, 'Haluan tietää kenelle soitan, kun hengenahdistus pelottaa.', day(today, 30)),
  ];
  const team = profiled<CareTeam>(
    {
      resourceType: 'CareTeam',
      identifier: [identifier(org, 'OMATIIMI-2025-0702')],
      status: 'active',
      category: [OMATIIMI_CATEGORY],
      name: 'Raimon yhteistiimi',
      subject: clientRef(client),
      period: { start: day(today, -60) },
      participant: [
        asClient(client, 'fi'),
        coordinator(PRO.healthCentreNurse, 'care-responsible-professional', 'fi', { start: day(today, -60) }),
        member(PRO.edPhysician, ['physician'], 'fi'),
        member(PRO.edNurse, ['nurse'], 'fi'),
        member(PRO.socialCounsellor, ['social-counsellor'], 'fi'),
      ],
      managingOrganization: [organisationRef(ORG.healthCentre)],
    },
    PROFILES.careTeam.url,
  );
  const plan = profiled<CarePlan>(
    {
      resourceType: 'CarePlan',
      extension: [nextReview(day(today, -14)), supportingFactor('Raimo: "Naapuri käy katsomassa, ja kesällä mökillä on hyvä olla."')],
      identifier: [identifier(org, 'HOPA-2025-0702')],
      status: 'active',
      intent: 'plan',
      category: [SHARED_PLAN_CATEGORY],
      title: 'Raimon yhteinen suunnitelma',
      description:
        'Heräte: 11 päivystyskäyntiä 6 kuukaudessa (yli 8 käyntiä 6 kk:ssa). Asiakkaan tarve omin sanoin: "Kun henki ei kulje yöllä, mä en tiedä mitä muuta tehdä kuin lähteä päivystykseen."',
      subject: clientRef(client),
      period: { start: day(today, -60), end: day(today, 120) },
      created: dateTime(today, -60, '13:00'),
      author: organisationRef(org),
      contributor: [clientRef(client), professionalRef(PRO.edNurse), professionalRef(PRO.healthCentreNurse), professionalRef(PRO.socialCounsellor)],
      careTeam: [{ reference: 'urn:uuid:8a41e2b6-2f3d-4a8e-b1f0-6c5d9e0f0702' }],
      goal: [{ reference: 'urn:uuid:8a41e2b6-2f3d-4a8e-b1f0-6c5d9e0f0703' }, { reference: 'urn:uuid:8a41e2b6-2f3d-4a8e-b1f0-6c5d9e0f0704' }],
      supportingInfo: [
        { display: `Päivystyskäynnit ${day(today, -240)}–${day(today, -60)}: 11 käyntiä (hengenahdistus 7, kaatuminen 2, rintakipu 2); lista tarkistetaan 3 kuukauden välein` },
        { display: 'Diagnoosit: keuhkoahtaumatauti (J44.9), tyypin 2 diabetes (E11.9)' },
        { display: 'Lääkitys: inhaloitavat lääkkeet, metformiini; kotihoidon lääkejakelu ei käytössä' },
      ],
      activity: [
        { detail: { kind: 'Appointment', code: { text: 'Verkostopalaveri' }, status: 'completed', scheduledPeriod: { start: day(today, -55), end: day(today, -55) }, performer: [organisationRef(ORG.healthCentre)], description: 'Verkostopalaveri kahden viikon kuluessa heräteestä.' } },
        { detail: { kind: 'Task', code: { text: 'Omahoitosuunnitelma ja soittolista' }, status: 'in-progress', scheduledString: 'Sairaanhoitaja soittaa joka maanantai klo 10', performer: [professionalRef(PRO.healthCentreNurse)], description: 'Kenelle soitan -lista jääkaapin oveen; hengenahdistuksen ensiapu kotona.' } },
        { detail: { kind: 'Appointment', code: { text: 'Sosiaaliohjaajan kotikäynti' }, status: 'scheduled', scheduledPeriod: { start: day(today, 3), end: day(today, 10) }, performer: [professionalRef(PRO.socialCounsellor)], description: 'Asumisen tuki ja kotihoidon tarpeen arviointi.' } },
      ],
      note: [{ time: dateTime(today, -60, '14:00'), text: 'Seuranta: tavoitteiden arvio 6 viikon välein; päivystyskäynnit tarkistetaan 3 kuukauden välein.' }],
    },
    PROFILES.carePlan.url,
  );
  const permission = consent({
    id: 'SUOSTUMUS-2025-0702',
    custodian: org,
    client,
    givenBy: [clientRef(client)],
    method: 'oral',
    storage: 'electronic',
    storedIn: 'Kirjattu potilastietojärjestelmään (yhteispäivystyksen käyntikirjaus)',
    asked: dateTime(today, -62, '22:15'),
    period: { start: day(today, -62), end: day(today, 303) },
    recipients: [ORG.healthCentre, ORG.adultSocialWork],
  });
  return [
    transaction(org, 'emergency-department frequent visitor: Raimo', [
      ['urn:uuid:8a41e2b6-2f3d-4a8e-b1f0-6c5d9e0f0701', permission],
      ['urn:uuid:8a41e2b6-2f3d-4a8e-b1f0-6c5d9e0f0702', team],
      ['urn:uuid:8a41e2b6-2f3d-4a8e-b1f0-6c5d9e0f0703', goals[0]!],
      ['urn:uuid:8a41e2b6-2f3d-4a8e-b1f0-6c5d9e0f0704', goals[1]!],
      ['urn:uuid:8a41e2b6-2f3d-4a8e-b1f0-6c5d9e0f0705', plan],
    ]),
  ];
}

/**
 * Substance-abuse and mental-health services, a Swedish-speaking client: the health-care unit
 * records its own consent and goal; adult social work (which that consent names) holds the plan
 * and refers to the health-care goal by its identifier.
 */
function substanceCase(today: Date): SeedBatch[] {
  const client = CLIENTS.adult;
  const health = ORG.mentalHealth;
  const social = ORG.adultSocialWork;
  const healthGoal = goal(health, 'MAL-2025-0913-H', client, 'Jag vill kunna sova utan att dricka först.', day(today, 90), 'sv');
  const goals = [
    goal(social, 'MAL-2025-0913-1', client, 'Jag vill ha en egen bostad före vintern.', day(today, 45), 'sv'),
    goal(social, 'MAL-2025-0913-2', client, 'Jag vill träffa min dotter varannan helg.', day(today, 180), 'sv'),
  ];
  const team = profiled<CareTeam>(
    {
      resourceType: 'CareTeam',
      language: 'sv',
      identifier: [identifier(social, 'TEAM-2025-0913')],
      status: 'active',
      category: [OMATIIMI_CATEGORY],
      name: 'Johans nätverk',
      subject: clientRef(client),
      period: { start: day(today, -40) },
      participant: [
        asClient(client, 'sv'),
        coordinator(PRO.socialWorker, 'named-social-worker', 'sv', { start: day(today, -40) }),
        member(PRO.psychiatricNurse, ['psychiatric-nurse'], 'sv'),
        member(PRO.ngoWorker, ['ngo-worker'], 'sv'),
        { role: [role('peer-supporter', 'sv')], member: { type: 'RelatedPerson', display: 'Kamratstödjare (A-gillet)' } },
      ],
      managingOrganization: [organisationRef(social)],
    },
    PROFILES.careTeam.url,
  );
  const plan = profiled<CarePlan>(
    {
      resourceType: 'CarePlan',
      language: 'sv',
      extension: [nextReview(day(today, -3)), supportingFactor('Johan: "Jag har jobbat som snickare, och min syster ringer varje söndag."')],
      identifier: [identifier(social, 'PLAN-2025-0913')],
      status: 'active',
      intent: 'plan',
      category: [{ ...SHARED_PLAN_CATEGORY, text: 'Gemensam klientplan' }],
      title: 'Johans gemensamma plan',
      description: 'Klientens behov med egna ord: "Jag har tappat kontrollen över drickandet, och utan bostad klarar jag inte av något annat."',
      subject: clientRef(client),
      period: { start: day(today, -40), end: day(today, 140) },
      created: dateTime(today, -40, '09:30'),
      author: organisationRef(social),
      contributor: [clientRef(client), professionalRef(PRO.socialWorker), professionalRef(PRO.psychiatricNurse), professionalRef(PRO.ngoWorker)],
      careTeam: [{ reference: 'urn:uuid:c3f9a7d2-6b1e-4f0a-8d2c-9e7b5a310913' }],
      goal: [
        { reference: 'urn:uuid:c3f9a7d2-6b1e-4f0a-8d2c-9e7b5a310914' },
        { reference: 'urn:uuid:c3f9a7d2-6b1e-4f0a-8d2c-9e7b5a310915' },
        conditionalRef('Goal', healthGoal, 'Mål inom mentalvårds- och missbrukartjänster'),
      ],
      supportingInfo: [{ display: 'Diagnoser: alkoholberoende (F10.2), depression (F32.1); läkemedel: naltrexon' }],
      activity: [
        { detail: { kind: 'Appointment', code: { text: 'Avgiftning och vårdplanering' }, status: 'completed', scheduledPeriod: { start: day(today, -35), end: day(today, -28) }, performer: [organisationRef(health)], description: 'Avgiftning i öppenvård, därefter samtal varje vecka.' } },
        { detail: { kind: 'Task', code: { text: 'Bostadsansökan' }, status: 'in-progress', scheduledString: 'Inom en månad', performer: [professionalRef(PRO.socialWorker)], description: 'Ansökan om stödbostad; FPA:s bostadsbidrag.' } },
        { detail: { kind: 'Appointment', code: { text: 'Kamratstödsgrupp' }, status: 'in-progress', scheduledString: 'Torsdagar kl. 17', performer: [organisationRef(ORG.aClinic)], description: 'A-klinikkas grupp på svenska.' } },
      ],
      note: [{ time: dateTime(today, -40, '10:30'), text: 'Uppföljning: nätverksmöte var fjärde vecka; nästa kontakt socialarbetaren per telefon.' }],
    },
    PROFILES.carePlan.url,
  );
  const healthPermission = consent({
    id: 'SAMTYCKE-2025-0913-H',
    custodian: health,
    client,
    givenBy: [clientRef(client)],
    method: 'electronic',
    storage: 'electronic',
    storedIn: 'Omakanta: luovutuslupa sosiaalihuoltoon',
    asked: dateTime(today, -42, '11:00'),
    period: { start: day(today, -42), end: day(today, 323) },
    recipients: [social],
  });
  const socialPermission = consent({
    id: 'SAMTYCKE-2025-0913',
    custodian: social,
    client,
    givenBy: [clientRef(client)],
    method: 'written',
    storage: 'paper',
    storedIn: 'Pappersblankett i aikuissosiaalityön arkisto, Riihimäki',
    asked: dateTime(today, -41, '09:00'),
    period: { start: day(today, -41), end: day(today, 139) },
    recipients: [health, ORG.aClinic],
  });
  return [
    transaction(health, 'mental-health and substance-abuse services: consent and goal', [
      ['urn:uuid:c3f9a7d2-6b1e-4f0a-8d2c-9e7b5a310910', healthPermission],
      ['urn:uuid:c3f9a7d2-6b1e-4f0a-8d2c-9e7b5a310911', healthGoal],
    ]),
    transaction(social, 'adult social work: Johan (Swedish-speaking)', [
      ['urn:uuid:c3f9a7d2-6b1e-4f0a-8d2c-9e7b5a310912', socialPermission],
      ['urn:uuid:c3f9a7d2-6b1e-4f0a-8d2c-9e7b5a310913', team],
      ['urn:uuid:c3f9a7d2-6b1e-4f0a-8d2c-9e7b5a310914', goals[0]!],
      ['urn:uuid:c3f9a7d2-6b1e-4f0a-8d2c-9e7b5a310915', goals[1]!],
      ['urn:uuid:c3f9a7d2-6b1e-4f0a-8d2c-9e7b5a310916', plan],
    ]),
  ];
}

/** The county's batches, in the order they must be written (a later one may refer to an earlier one's resources). */
export function kantaHame(today: Date = new Date()): readonly SeedBatch[] {
  return [...familyCentreCase(today), ...emergencyCase(today), ...substanceCase(today)];
}
