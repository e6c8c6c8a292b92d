// HttpChannels: channels managed by administrators, RapidPro's v2 channel
// list, and the public routes gateways and Telegram call (docs/channels.md).
// One function, three answer styles: our resource API, RapidPro v2, courier.
// Secrets are never logged (the pipeline never logs events). What each route
// does: functions/handlers/http-channels.ts.
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { HttpEvent } from '#http/handler';
import { createChannelsHandler } from './handlers/http-channels';
import { wireHttpChannels } from '#wiring/http-channels';

// Wired on the first request: the flow engine behind the inbox needs settings that tests of the handler over
// their own use cases do not give.
let deployed: ReturnType<typeof createChannelsHandler> | undefined;
export const handler = (event: HttpEvent, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
  if (!deployed) {
    const { useCases, admission } = wireHttpChannels();
    deployed = createChannelsHandler(useCases, admission);
  }
  return deployed(event, context);
};
