// Sends EX messages: the requests external.ts builds, one per part, in
// order, each answer classified by http.ts; `mt_response_check` decides a 2xx.
import type { ExConfig, ExSecrets } from '#domain/channel';
import type { ChannelSender, SendOutcome } from '#use-cases/channel-ports';
import { buildExRequests } from './external';
import { callGateway } from './http';

export function createExternalSender(timeoutMs?: number): ChannelSender {
  return {
    async send(channel, secrets, message): Promise<SendOutcome> {
      const config = channel.config as ExConfig;
      const requests = buildExRequests(channel, config, secrets as ExSecrets, message);
      for (const request of requests) {
        const answer = await callGateway(request, timeoutMs);
        if (!answer.ok) return answer.outcome;
        if (config.mt_response_check && !answer.body.includes(config.mt_response_check))
          return { kind: 'fail', reason: 'response_check_failed' };
      }
      return { kind: 'sent', externalId: null };
    },
  };
}
