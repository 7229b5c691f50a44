// Fails when a package imports a workspace package it must not depend on (STYLE.md dependency rule):
// api <- core <- everything else; cli and web only through client; nothing imports server internals.
// Test files may use @strata/testing in addition. Run: node --import ./bin/conditions-hook.js scripts/check-dependency-rules.ts
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ALLOWED: Record<string, readonly string[]> = {
  api: [],
  core: ['api'],
  store: ['api', 'core'],
  client: ['api'],
  sandbox: ['api', 'core'],
  'provider-sdk': ['api', 'core'],
  capi: ['api', 'core', 'sandbox'],
  providers: ['api', 'core', 'provider-sdk', 'sandbox', 'capi'],
  agent: ['api', 'core'],
  testing: ['api', 'core', 'store', 'sandbox', 'client'],
  server: ['api', 'core', 'store', 'sandbox', 'provider-sdk', 'providers', 'capi'],
  cli: ['api', 'client'],
  web: ['api', 'client'],
};
const TEST_EXTRA = ['testing'];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') return [];
    return statSync(full).isDirectory() ? walk(full) : /\.(ts|tsx)$/.test(entry) ? [full] : [];
  });
}

/** Is `subpath` (e.g. `./testing`) declared in the `exports` of packages/<pkg>/package.json? */
function exportsSubpath(root: string, pkg: string, subpath: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')) as {
      exports?: Record<string, unknown>;
    };
    return Object.prototype.hasOwnProperty.call(manifest.exports ?? {}, subpath);
  } catch {
    return false;
  }
}

/** Every violation of the dependency rule in the workspace at `root`. */
export function findViolations(root: string): string[] {
  const problems: string[] = [];
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const src = join(root, 'packages', pkg, 'src');
    let files: string[];
    try {
      files = walk(src);
    } catch {
      continue;
    }
    const allowed = ALLOWED[pkg];
    if (!allowed) {
      problems.push(
        `packages/${pkg}: no dependency rule for this package; add it to scripts/check-dependency-rules.ts`,
      );
      continue;
    }
    const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      const m = /^@strata\/(.+)$/.exec(dep);
      if (m && !allowed.includes(m[1]!))
        problems.push(`packages/${pkg}/package.json depends on ${dep}, which ${pkg} must not use`);
    }
    for (const file of files) {
      const isTest = /\.test\.tsx?$/.test(file) || file.includes('/src/test/');
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        const where = relative(root, file);
        const ws = /^@strata\/([^/]+)(\/.*)?$/.exec(spec);
        if (ws) {
          const target = ws[1]!;
          if (ws[2] && !exportsSubpath(root, ws[1]!, `.${ws[2]}`)) {
            problems.push(
              `${where}: deep import "${spec}"; import the package entry (or a declared subpath export) instead`,
            );
          }
          if (target !== pkg && !allowed.includes(target) && !(isTest && TEST_EXTRA.includes(target))) {
            problems.push(
              `${where}: imports @strata/${target}, but ${pkg} may only use ${allowed.join(', ') || 'nothing'}`,
            );
          }
        } else if (
          spec.startsWith('.') &&
          relative(join(root, 'packages', pkg), join(file, '..', spec)).startsWith('..')
        ) {
          problems.push(`${where}: relative import "${spec}" leaves the package`);
        }
      }
    }
  }

  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = findViolations(new URL('..', import.meta.url).pathname);
  if (problems.length > 0) {
    console.error(`Dependency rule violations (${problems.length}):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log('dependency rules: ok');
}
