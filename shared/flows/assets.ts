// The workspace things a session refers to (flows, fields, groups, topics,
// users, channels, globals), read from a RapidPro-style asset bundle.
import type { FlowJSON, Reference } from './definition/types';
import { LocationHierarchy, type LocationJSON } from './locations';

export interface FieldAsset {
  uuid?: string;
  key: string;
  name: string;
  type: 'text' | 'number' | 'datetime' | 'state' | 'district' | 'ward' | string;
}

export interface GroupAsset {
  uuid: string;
  name: string;
  /** Smart groups have a query and are kept up to date by the engine. */
  query?: string;
}

export interface ChannelAsset {
  uuid: string;
  name: string;
  address?: string;
  schemes: string[];
  roles: string[];
  country?: string;
}

export interface UserAsset {
  uuid?: string;
  email: string;
  name: string;
}

export interface GlobalAsset {
  key: string;
  name: string;
  value: string;
}

export interface TemplateComponent {
  name: string;
  type: string;
  content: string;
  /** Placeholder number in `content` → index into the template variables. */
  variables: Record<string, number>;
}

export interface TemplateTranslation {
  channel: Reference;
  locale: string;
  components: TemplateComponent[];
  variables: { type: string }[];
}

export interface TemplateAsset {
  uuid: string;
  name: string;
  translations: TemplateTranslation[];
}

export interface AssetsJSON {
  flows?: FlowJSON[];
  fields?: FieldAsset[];
  groups?: GroupAsset[];
  topics?: Reference[];
  users?: UserAsset[];
  channels?: ChannelAsset[];
  globals?: GlobalAsset[];
  templates?: TemplateAsset[];
  /** The location hierarchy, RapidPro's `locations` asset (one country). */
  locations?: LocationJSON[];
}

export class SessionAssets {
  readonly flows: FlowJSON[];
  readonly fields: FieldAsset[];
  readonly groups: GroupAsset[];
  readonly topics: Reference[];
  readonly users: UserAsset[];
  readonly channels: ChannelAsset[];
  readonly globals: GlobalAsset[];
  readonly templates: TemplateAsset[];
  readonly locations: LocationHierarchy | undefined;

  constructor(json: AssetsJSON) {
    this.flows = json.flows ?? [];
    this.fields = json.fields ?? [];
    this.groups = json.groups ?? [];
    this.topics = json.topics ?? [];
    this.users = json.users ?? [];
    this.channels = json.channels ?? [];
    this.globals = json.globals ?? [];
    this.templates = json.templates ?? [];
    const country = json.locations?.[0];
    this.locations = country ? new LocationHierarchy(country) : undefined;
  }

  template(uuid: string): TemplateAsset | undefined {
    return this.templates.find((t) => t.uuid === uuid);
  }

  flow(uuid: string): FlowJSON | undefined {
    return this.flows.find((f) => f.uuid === uuid);
  }

  field(key: string): FieldAsset | undefined {
    return this.fields.find((f) => f.key === key.toLowerCase());
  }

  group(uuid: string): GroupAsset | undefined {
    return this.groups.find((g) => g.uuid === uuid);
  }

  groupByName(name: string): GroupAsset | undefined {
    return this.groups.find((g) => g.name.toLowerCase() === name.trim().toLowerCase());
  }

  topic(uuid: string): Reference | undefined {
    return this.topics.find((t) => t.uuid === uuid);
  }

  /** The workspace's default topic; goflow's test assets name it "General". */
  defaultTopic(): Reference | undefined {
    return this.topics.find((t) => t.name === 'General') ?? this.topics[0];
  }

  user(ref: { uuid?: string; email?: string }): UserAsset | undefined {
    if (ref.uuid) return this.users.find((u) => u.uuid === ref.uuid);
    if (ref.email) return this.users.find((u) => u.email.toLowerCase() === ref.email!.toLowerCase());
    return undefined;
  }

  /** A channel that can send to the given URN scheme. */
  sendingChannel(scheme: string, channelUuid?: string): ChannelAsset | undefined {
    const candidates = this.channels.filter((c) => c.roles.includes('send') && c.schemes.includes(scheme));
    return candidates.find((c) => c.uuid === channelUuid) ?? candidates[0];
  }

  channel(uuid: string): ChannelAsset | undefined {
    return this.channels.find((c) => c.uuid === uuid);
  }
}
