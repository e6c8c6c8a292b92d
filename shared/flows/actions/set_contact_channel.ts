// set_contact_channel: makes a channel the contact's preferred one — the
// first URN it can send to gets the channel affinity and moves to the front
// — or clears every affinity when the channel is null.
import type { Reference } from '../definition/types';
import { parseURN } from '../urns';
import { FieldChecker, type ActionType } from './action';

export interface SetContactChannelAction {
  uuid: string;
  type: 'set_contact_channel';
  channel: Reference | null;
}

function withChannel(urn: string, channelUuid: string | undefined): string {
  const p = parseURN(urn);
  if (!p) return urn;
  const params = new URLSearchParams(p.query);
  if (channelUuid) params.set('channel', channelUuid);
  else params.delete('channel');
  const query = params.toString();
  return `${p.scheme}:${p.path}${query ? `?${query}` : ''}${p.display ? `#${p.display}` : ''}`;
}

export const setContactChannel: ActionType<SetContactChannelAction> = {
  type: 'set_contact_channel',
  read(json) {
    new FieldChecker(json).check();
    return { uuid: json.uuid as string, type: 'set_contact_channel', channel: (json.channel as Reference | null | undefined) ?? null };
  },
  execute(action, ctx) {
    const contact = ctx.session.contact;
    let urns: string[];
    if (!action.channel) {
      urns = contact.urns.map((u) => withChannel(u, undefined));
    } else {
      const channel = ctx.assets.channel(action.channel.uuid);
      if (!channel) {
        ctx.missingDependency('channel', action.channel);
        return;
      }
      if (!channel.roles.includes('send')) {
        ctx.error("Can't set channel that can't send as the preferred channel");
        return;
      }
      const index = contact.urns.findIndex((u) => channel.schemes.includes(parseURN(u)?.scheme ?? ''));
      if (index < 0) return;
      const preferred = withChannel(contact.urns[index]!, channel.uuid);
      urns = [preferred, ...contact.urns.filter((_, i) => i !== index)];
    }
    if (urns.join('\n') === contact.urns.join('\n')) return;
    contact.json.urns = urns;
    ctx.emit('contact_urns_changed', { urns });
  },
};
