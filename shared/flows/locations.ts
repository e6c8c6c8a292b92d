// Administrative locations (country > state > district > ward) for the
// has_state / has_district / has_ward tests and location fields. Values are
// shown as paths: "Rwanda > Kigali City > Gasabo".
import { tokenize } from './functions/words';

export interface LocationJSON {
  name: string;
  aliases?: string[];
  children?: LocationJSON[];
}

export interface Location {
  name: string;
  path: string;
  level: number;
  names: string[];
  children: Location[];
}

export const LOCATION_LEVELS = { state: 1, district: 2, ward: 3 } as const;

function build(json: LocationJSON, level: number, parentPath: string | undefined): Location {
  const path = parentPath ? `${parentPath} > ${json.name}` : json.name;
  return {
    name: json.name,
    path,
    level,
    names: [json.name, ...(json.aliases ?? [])].map((n) => n.trim().toLowerCase()),
    children: (json.children ?? []).map((c) => build(c, level + 1, path)),
  };
}

export class LocationHierarchy {
  readonly root: Location;

  constructor(json: LocationJSON) {
    this.root = build(json, 0, undefined);
  }

  private atLevel(level: number, under: Location = this.root): Location[] {
    if (under.level === level) return [under];
    if (under.level > level) return [];
    return under.children.flatMap((c) => this.atLevel(level, c));
  }

  /**
   * Finds a location of the level named in free text: the whole text first,
   * then each word, then each pair of adjacent words.
   */
  find(text: string, level: number, under?: Location): Location | undefined {
    const candidates = this.atLevel(level, under);
    const byName = (name: string) => candidates.find((l) => l.names.includes(name.trim().toLowerCase()));
    const whole = byName(text);
    if (whole) return whole;
    const words = tokenize(text).map((w) => w.text);
    for (const word of words) {
      const found = byName(word);
      if (found) return found;
    }
    for (let i = 0; i + 1 < words.length; i++) {
      const found = byName(`${words[i]} ${words[i + 1]}`);
      if (found) return found;
    }
    return undefined;
  }
}
