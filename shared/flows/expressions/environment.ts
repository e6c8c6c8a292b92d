// The evaluation environment: formats, time zone, country and the clock.
import type { LocationHierarchy } from '../locations';
import type { XDateTime } from './values';

export interface Environment {
  /** goflow layout codes, e.g. YYYY-MM-DD or DD-MM-YYYY, and tt:mm */
  dateFormat: string;
  timeFormat: string;
  timezone: string;
  defaultCountry: string;
  allowedLanguages: string[];
  defaultLanguage: string;
  redaction: string;
  /** The workspace's locations, when it has any (for has_state etc.). */
  locations?: LocationHierarchy;
  /** Current instant; goflow reads it through the session's clock. */
  now(): XDateTime;
}

/** The JSON shape of an environment in session and runner files. */
export interface EnvironmentJSON {
  date_format?: string;
  time_format?: string;
  timezone?: string;
  default_country?: string;
  allowed_languages?: string[];
  redaction_policy?: string;
  number_format?: unknown;
}

export function environmentFromJSON(json: EnvironmentJSON | null | undefined, now: () => XDateTime): Environment {
  const allowed = json?.allowed_languages ?? [];
  return {
    dateFormat: json?.date_format ?? 'YYYY-MM-DD',
    timeFormat: json?.time_format ?? 'tt:mm',
    timezone: json?.timezone ?? 'UTC',
    defaultCountry: json?.default_country ?? '',
    allowedLanguages: allowed,
    defaultLanguage: allowed[0] ?? '',
    redaction: json?.redaction_policy ?? 'none',
    now,
  };
}

