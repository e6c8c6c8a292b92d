// A small location hierarchy for tests: part of Rwanda, as goflow's
// documentation examples assume (has_state, has_district, has_ward).
import type { LocationJSON } from '#flows/locations';

export const RWANDA: LocationJSON = {
  name: 'Rwanda',
  children: [
    {
      name: 'Kigali City',
      aliases: ['Kigali', 'Kigari'],
      children: [
        { name: 'Gasabo', children: [{ name: 'Gisozi' }, { name: 'Ndera' }] },
        { name: 'Nyarugenge', children: [{ name: 'Nyamirambo' }] },
      ],
    },
    {
      name: 'Eastern Province',
      children: [{ name: 'Rwamagana', children: [{ name: 'Kigabiro' }] }],
    },
  ],
};
