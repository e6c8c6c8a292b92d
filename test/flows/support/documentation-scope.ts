// The context goflow's documentation examples of the expression language run
// in: this instant, this contact with these fields and URNs, these locations
// (part of Rwanda), and a completed run whose webhook result is Success. The
// documented examples (excellent-examples.test.ts) and the conformance
// corpus's expressions section (conformance.ts) both evaluate in it.
import { SessionAssets } from '#flows/assets';
import { Contact } from '#flows/contact';
import { contactContext } from '#flows/context';
import { parseISODateTime } from '#flows/expressions/dates';
import { environmentFromJSON } from '#flows/expressions/environment';
import type { evaluateTemplate } from '#flows/expressions/template';
import { XObject, xText } from '#flows/expressions/values';
import { RWANDA } from './locations';

/** A fresh scope for one template (evaluation adds its warnings to it). */
export function documentationScope(): Parameters<typeof evaluateTemplate>[1] {
  const now = parseISODateTime('2018-04-11T13:24:30.123456-05:00')!;
  const assets = new SessionAssets({
    locations: [RWANDA],
    fields: [
      { key: 'gender', name: 'Gender', type: 'text' },
      { key: 'age', name: 'Age', type: 'number' },
      { key: 'join_date', name: 'Join Date', type: 'datetime' },
      { key: 'activation_token', name: 'Activation Token', type: 'text' },
      { key: 'state', name: 'State', type: 'state' },
      { key: 'not_set', name: 'Not set', type: 'text' },
      { key: 'language', name: 'Language (Conflicts)', type: 'text' },
    ],
  } as never);
  const env = {
    ...environmentFromJSON({ date_format: 'DD-MM-YYYY', time_format: 'tt:mm', timezone: 'America/Guayaquil', allowed_languages: ['eng', 'spa'], default_country: 'US' }, () => now),
    locations: assets.locations,
  };
  const contact = new Contact({
    uuid: '5d76d86b-3bb9-4d5a-b822-c9d86f5d8e4f',
    name: 'Ryan Lewis',
    status: 'active',
    language: 'eng',
    timezone: 'America/Guayaquil',
    created_on: '2018-06-20T11:40:30.123456789-00:00',
    urns: ['tel:+12024561111?channel=57f1078f-88aa-46f4-a59a-948a5739c03d', 'twitterid:54784326227#nyaruka', 'mailto:foo@bar.com'],
    groups: [
      { uuid: 'b7cf0d83-f1c9-411c-96fd-c511a4cfa86d', name: 'Testers' },
      { uuid: '4f1f98fc-27a7-4a69-bbdb-24744ba739a9', name: 'Males' },
    ],
    fields: {
      gender: { text: 'Male' },
      age: { text: '23', number: 23 },
      join_date: { text: '2017-12-02', datetime: '2017-12-02T00:00:00-02:00' },
      activation_token: { text: 'AACC55' },
    },
  } as never);
  const contactObj = contactContext(contact, assets);
  const webhook = XObject.of({ name: xText('Webhook'), value: xText('200'), category: xText('Success') }, xText('200'));
  const context = XObject.of({
    contact: contactObj,
    fields: contactObj.get('fields') ?? null,
    urns: contactObj.get('urns') ?? null,
    run: XObject.of({ status: xText('completed') }),
    results: XObject.of({ webhook }),
  });
  const urns = new Map<string, ReturnType<typeof xText> | null>([['tel', xText('tel:+12024561111')], ['mailto', xText('mailto:foo@bar.com')], ['twitterid', xText('twitterid:54784326227#nyaruka')]]);
  context.properties.set('urns', new XObject(urns));
  return { env, context, warnings: [] as string[] };
}
