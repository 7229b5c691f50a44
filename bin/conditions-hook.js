// A module-resolution hook that adds the "development" condition, so `@strata/*` imports resolve to src/*.ts.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('development')
    ? context.conditions
    : [...context.conditions, 'development'];
  return nextResolve(specifier, { ...context, conditions });
}
