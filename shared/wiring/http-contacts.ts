// HttpContacts: the contact use cases.
import type { HttpHandlerOptions } from '#http/handler';
import { createContactUseCases } from '#use-cases/contacts';
import { apiAdmission, useCaseContext } from './adapters';
import { once } from './once';

export type HttpContactsUseCases = ReturnType<typeof createContactUseCases>;

export const wireHttpContacts = once((): { useCases: HttpContactsUseCases; admission: HttpHandlerOptions } => ({
  useCases: createContactUseCases(useCaseContext()),
  admission: apiAdmission(),
}));
