// A module-resolution hook bin/wiregrade.js registers when it runs the TypeScript sources (a checkout of the
// repository): it adds the "wiregrade-source" export condition, under which package.json maps
// `wiregrade/config` to src/ instead of dist/.
export async function resolve(specifier, context, next) {
  if (specifier === 'wiregrade' || specifier.startsWith('wiregrade/')) {
    return next(specifier, { ...context, conditions: [...(context.conditions ?? []), 'wiregrade-source'] });
  }
  return next(specifier, context);
}
