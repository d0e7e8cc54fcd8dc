/**
 * The roles of a client's network (Omatiimi / yhteisasiakkuus) as the seed reports name them:
 * the function in the plan, health care, social care, education, other agencies and the third
 * sector, and private persons. Codes are English kebab-case; each has a Finnish, Swedish (for
 * bilingual counties) and English display.
 *
 * @see docs/profile.md#care-team-role
 */

/** A term of one of the CodeSystems: its code, Finnish, Swedish and English displays, and other words in use. */
export interface Term {
  readonly code: string;
  readonly fi: string;
  readonly sv: string;
  readonly en: string;
  readonly definition: string;
  /** Other words in use for the same role, per language. */
  readonly synonyms?: { readonly fi?: string; readonly sv?: string; readonly en?: string };
}

/** Every role, in the order of the seeds' list (plan functions first). */
export const CARE_TEAM_ROLES: readonly Term[] = [
  // Function in the plan
  { code: 'client', fi: 'Asiakas', sv: 'Klient', en: 'Client', definition: 'The person the plan is about, a member of their own network.' },
  {
    code: 'coordinator',
    fi: 'Vastuutyöntekijä',
    sv: 'Ansvarig arbetstagare',
    en: 'Coordinator',
    definition: 'The named professional who coordinates the plan and the network; one at a time, handed over by ending the period of the previous one.',
    synonyms: { fi: 'Koordinaattori', sv: 'Koordinator', en: 'Responsible worker' },
  },
  { code: 'named-social-worker', fi: 'Omatyöntekijä', sv: 'Egen kontaktperson', en: 'Named social worker', definition: "The client's own worker in social care (Social Welfare Act 1301/2014, section 42)." },
  { code: 'care-responsible-professional', fi: 'Hoitovastaava', sv: 'Vårdansvarig', en: 'Care-responsible professional', definition: "The professional responsible for the client's care in health care." },
  { code: 'contact-person', fi: 'Yhteyshenkilö', sv: 'Kontaktperson', en: 'Contact person', definition: 'The person the network or the client contacts in an organisation.' },
  { code: 'case-manager', fi: 'Palveluohjaaja', sv: 'Servicehandledare', en: 'Case manager', definition: 'Guides the client to services and coordinates them (service counsellor).', synonyms: { en: 'Service counsellor' } },
  { code: 'network-member', fi: 'Verkoston jäsen', sv: 'Nätverksmedlem', en: 'Network member', definition: "Takes part in the client's network without a more specific role." },
  // Health care
  { code: 'physician', fi: 'Lääkäri', sv: 'Läkare', en: 'Physician', definition: 'A physician.' },
  { code: 'nurse', fi: 'Sairaanhoitaja', sv: 'Sjukskötare', en: 'Nurse', definition: 'A registered nurse.' },
  { code: 'psychiatric-nurse', fi: 'Psykiatrinen sairaanhoitaja', sv: 'Psykiatrisk sjukskötare', en: 'Psychiatric nurse', definition: 'A nurse in mental-health or substance-abuse services.' },
  { code: 'public-health-nurse', fi: 'Terveydenhoitaja', sv: 'Hälsovårdare', en: 'Public health nurse', definition: 'A public health nurse.' },
  { code: 'school-health-nurse', fi: 'Kouluterveydenhoitaja', sv: 'Skolhälsovårdare', en: 'School health nurse', definition: 'A public health nurse in school health care.' },
  { code: 'physiotherapist', fi: 'Fysioterapeutti', sv: 'Fysioterapeut', en: 'Physiotherapist', definition: 'A physiotherapist.' },
  { code: 'psychologist', fi: 'Psykologi', sv: 'Psykolog', en: 'Psychologist', definition: 'A psychologist.' },
  { code: 'therapist', fi: 'Terapeutti', sv: 'Terapeut', en: 'Therapist', definition: 'A therapist (psychotherapy, occupational, speech or other therapy).' },
  { code: 'rehabilitation-counsellor', fi: 'Kuntoutusohjaaja', sv: 'Rehabiliteringshandledare', en: 'Rehabilitation counsellor', definition: 'Guides the client in rehabilitation.' },
  // Social care
  { code: 'social-worker', fi: 'Sosiaalityöntekijä', sv: 'Socialarbetare', en: 'Social worker', definition: 'A social worker.' },
  { code: 'social-counsellor', fi: 'Sosiaaliohjaaja', sv: 'Socialhandledare', en: 'Social counsellor', definition: 'A social counsellor.' },
  { code: 'family-worker', fi: 'Perhetyöntekijä', sv: 'Familjearbetare', en: 'Family worker', definition: 'A family worker in family or child welfare services.' },
  { code: 'child-protection-worker', fi: 'Lastensuojelun työntekijä', sv: 'Arbetstagare inom barnskyddet', en: 'Child-protection worker', definition: 'A worker in child protection.' },
  { code: 'domestic-violence-worker', fi: 'Väkivaltatyöntekijä', sv: 'Arbetstagare inom arbetet mot våld i nära relationer', en: 'Domestic-violence worker', definition: 'A worker in services against domestic and intimate-partner violence.' },
  { code: 'home-care-worker', fi: 'Kotihoidon työntekijä', sv: 'Arbetstagare inom hemvården', en: 'Home-care worker', definition: 'A worker in home care.' },
  { code: 'youth-worker', fi: 'Nuorisotyöntekijä', sv: 'Ungdomsarbetare', en: 'Youth worker', definition: 'A youth worker.' },
  // Education
  { code: 'school-social-worker', fi: 'Koulukuraattori', sv: 'Skolkurator', en: 'School social worker', definition: 'A school social worker.', synonyms: { fi: 'Kuraattori', sv: 'Kurator' } },
  { code: 'teacher', fi: 'Opettaja', sv: 'Lärare', en: 'Teacher', definition: 'A teacher.' },
  { code: 'special-needs-teacher', fi: 'Erityisopettaja', sv: 'Speciallärare', en: 'Special-needs teacher', definition: 'A special-needs teacher.' },
  { code: 'early-childhood-teacher', fi: 'Varhaiskasvatuksen opettaja', sv: 'Lärare inom småbarnspedagogik', en: 'Early-childhood teacher', definition: 'A teacher in early childhood education and care.' },
  // Other agencies and the third sector
  { code: 'kela-expert', fi: 'Kelan asiantuntija', sv: 'FPA:s sakkunnig', en: 'Kela expert', definition: 'An expert of Kela, the Social Insurance Institution of Finland.' },
  { code: 'employment-services-expert', fi: 'Työllisyyspalvelujen asiantuntija', sv: 'Sakkunnig inom sysselsättningstjänsterna', en: 'Employment services expert', definition: 'An expert of the employment services.' },
  { code: 'police', fi: 'Poliisi', sv: 'Polis', en: 'Police officer', definition: 'A police officer.' },
  { code: 'ngo-worker', fi: 'Järjestötoimija', sv: 'Organisationsaktör', en: 'NGO worker', definition: 'A worker or volunteer of a non-governmental organisation.' },
  { code: 'peer-supporter', fi: 'Vertaistoimija', sv: 'Kamratstödjare', en: 'Peer supporter', definition: 'A peer supporter.', synonyms: { fi: 'Vertaistukija' } },
  { code: 'leisure-actor', fi: 'Harrastustoimija', sv: 'Fritidsaktör', en: 'Leisure actor', definition: 'A person of a leisure-time activity the client takes part in.' },
  { code: 'volunteer', fi: 'Vapaaehtoinen', sv: 'Frivillig', en: 'Volunteer', definition: 'A volunteer.' },
  { code: 'parish-worker', fi: 'Seurakunnan työntekijä', sv: 'Församlingsarbetare', en: 'Parish worker', definition: 'A worker of a parish.' },
  { code: 'expert-by-experience', fi: 'Kokemusasiantuntija', sv: 'Erfarenhetsexpert', en: 'Expert by experience', definition: 'A trained expert by experience.' },
  // Private persons
  { code: 'relative', fi: 'Läheinen', sv: 'Närstående', en: 'Relative', definition: 'A family member or other person close to the client.', synonyms: { fi: 'Omainen', sv: 'Anhörig', en: 'Next of kin' } },
  { code: 'informal-carer', fi: 'Omaishoitaja', sv: 'Närståendevårdare', en: 'Informal carer', definition: 'A person caring for the client under an informal-care agreement.' },
  { code: 'guardian', fi: 'Huoltaja', sv: 'Vårdnadshavare', en: 'Guardian', definition: 'The guardian of a minor client, acting for them.' },
];
