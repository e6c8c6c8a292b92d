// The random router: picks one of its categories with equal chance.
import type { RouterJSON } from '../definition/types';
import { categoryExit, type RouteDecision, type RouterContext } from './router';

export function routeRandom(router: RouterJSON, ctx: RouterContext): RouteDecision {
  const draw = ctx.random();
  const index = Math.min(router.categories.length - 1, Math.floor(draw * router.categories.length));
  const { category, exit } = categoryExit(ctx.node, router, router.categories[index]?.uuid);
  return { category, exit, value: draw.toFixed(4) };
}
