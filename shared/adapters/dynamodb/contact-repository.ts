import type { Contact } from '#domain/contact';
import { StaleWriteError, type ContactRepository } from '#use-cases/ports';
import { contactKeys, fromContactItem, toContactItem } from './entities/contact';
import { TransactionRefused, type LabelledWrite, type TableClient } from './table-client';

/**
 * The Put that stores an upserted contact, conditioned on the version it was
 * read at (0: not stored yet). Every change to a contact item — upserts and
 * the `open_ticket` slot alike — increments `version`, so a stale upsert can
 * never overwrite a newer `open_ticket`.
 */
export function contactSaveWrite(contact: Contact, extraCondition?: string): LabelledWrite {
  const versionCondition = contact.version <= 1 ? 'attribute_not_exists(pk)' : 'version = :expected';
  return {
    label: 'contact',
    write: {
      Put: {
        Item: toContactItem(contact),
        ConditionExpression: extraCondition ? `(${versionCondition}) AND ${extraCondition}` : versionCondition,
        ...(contact.version > 1 ? { ExpressionAttributeValues: { ':expected': contact.version - 1 } } : {}),
        // The stored item tells a lost race (version) apart from a taken open-ticket slot.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  };
}

export function createContactRepository(table: TableClient): ContactRepository {
  return {
    async get(workspace: string, contact: string, options = {}) {
      const item = await table.get('contact.get', contactKeys.contact(workspace, contact), options.consistent ?? false);
      return item ? fromContactItem(item) : null;
    },

    async getMany(workspace: string, contacts: string[]) {
      const items = await table.batchGet('contact.get_many', contacts.map((contact) => contactKeys.contact(workspace, contact)));
      return items.map(fromContactItem);
    },

    async save(contact: Contact) {
      try {
        await table.transactWrite('contact.save', [contactSaveWrite(contact)]);
      } catch (error) {
        if (error instanceof TransactionRefused && error.failed('contact')) throw new StaleWriteError('The contact changed meanwhile.');
        throw error;
      }
    },
  };
}
