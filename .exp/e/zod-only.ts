import * as z from 'zod'; export const x = z.string(); export const handler = () => x;
