// Lets Node run Strata's TypeScript sources as they are (Node 24 strips the types itself; decision 0008):
// - adds the "development" export condition, so `@strata/*` imports resolve to src/*.ts;
// - resolves a relative `./x.js` to `./x.ts` when only the TypeScript file exists (the sources import with .js, as
//   TypeScript's NodeNext resolution wants).
// Synchronous hooks in the importing thread: `import './conditions-hook.js'` (bin/strata.js), or
// `node --import ./bin/conditions-hook.js FILE.ts` (tests, scripts). A worker thread imports it again.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

const RELATIVE_JS = /^\.{1,2}\/.*\.js$/;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const conditions = context.conditions.includes('development')
      ? context.conditions
      : [...context.conditions, 'development'];
    if (
      RELATIVE_JS.test(specifier) &&
      context.parentURL?.startsWith('file:') &&
      context.parentURL.endsWith('.ts')
    ) {
      const ts = specifier.slice(0, -3) + '.ts';
      if (existsSync(fileURLToPath(new URL(ts, context.parentURL)))) {
        return nextResolve(ts, { ...context, conditions });
      }
    }
    return nextResolve(specifier, { ...context, conditions });
  },
});
