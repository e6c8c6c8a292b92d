// HttpTriggers: the trigger use cases, without the flow engine (the API only lists and edits).
import type { HttpHandlerOptions } from '#http/handler';
import type { TriggerUseCases } from '#use-cases/closed-ticket-triggers';
import { apiAdmission } from './adapters';
import { once } from './once';
import { triggerUseCases } from './triggers';

export const wireHttpTriggers = once((): { useCases: TriggerUseCases; admission: HttpHandlerOptions } => ({ useCases: triggerUseCases(), admission: apiAdmission() }));
