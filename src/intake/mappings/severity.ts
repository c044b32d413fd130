/**
 * Severities in one place. kconnect's common scale is KSC's `GNRL_EA_SEVERITY` (spec §6.3: 1 Information,
 * 2 Warning, 3 Error, 4 Critical); KICS's three words (Info, Warning, Critical) and its application-log statuses
 * are placed on it, and each output schema reads its own value from there.
 */

/** A severity on kconnect's common scale, with the words and ids each schema wants. */
export interface Severity {
  /** 1..4 on KSC's scale; 0 when unknown. ECS `event.severity` and D3's "Severity numeric ID". */
  readonly level: 0 | 1 | 2 | 3 | 4;
  /** KSC's words (as `fetch_event`'s `severityName`): Information, Warning, Error, Critical, Unknown. */
  readonly name: string;
  /** OCSF `severity_id`: 1 Informational, 3 Medium, 4 High, 5 Critical; 0 Unknown. */
  readonly ocsfId: 0 | 1 | 3 | 4 | 5;
  /** OCSF `severity`: the caption of `severity_id`. */
  readonly ocsfCaption: string;
}

const SEVERITIES: readonly Severity[] = [
  { level: 0, name: 'Unknown', ocsfId: 0, ocsfCaption: 'Unknown' },
  { level: 1, name: 'Information', ocsfId: 1, ocsfCaption: 'Informational' },
  { level: 2, name: 'Warning', ocsfId: 3, ocsfCaption: 'Medium' },
  { level: 3, name: 'Error', ocsfId: 4, ocsfCaption: 'High' },
  { level: 4, name: 'Critical', ocsfId: 5, ocsfCaption: 'Critical' },
];

const UNKNOWN = SEVERITIES[0] as Severity;

/** KSC's `GNRL_EA_SEVERITY` (1..4); anything else is Unknown. */
export function kscSeverity(value: number | undefined): Severity {
  return value !== undefined && value >= 1 && value <= 4 ? (SEVERITIES[value] as Severity) : UNKNOWN;
}

/** KICS's severity words on the common scale: Info → 1, Warning → 2, Critical → 4 (KICS has no "Error"). */
const KICS_LEVELS: Readonly<Record<string, 1 | 2 | 3 | 4>> = {
  info: 1,
  information: 1,
  warning: 2,
  error: 3,
  critical: 4,
};

/** KICS event severities (Info, Warning, Critical) and application-log statuses (Info, Warning, Error). */
export function kicsSeverity(value: string | undefined): Severity {
  const level = value === undefined ? undefined : KICS_LEVELS[value.toLowerCase()];
  return level === undefined ? UNKNOWN : (SEVERITIES[level] as Severity);
}

/** The rows of the severity table, for docs/mappings.md. */
export function severityTable(): readonly Severity[] {
  return SEVERITIES;
}
