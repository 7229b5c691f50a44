import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { PackFiles } from '../packs/load-pack.js';

/** test/fixtures/palette: Palette-format packs and profiles written for these tests (no real Palette content). */
export const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/palette/', import.meta.url));

/** A fixture pack directory as parsePack-style files (charts as bytes). */
export function readFixturePack(dir: string): PackFiles {
  const root = join(FIXTURES, 'packs', dir);
  const out: Record<string, string | Uint8Array> = {};
  const walk = (prefix: string) => {
    for (const entry of readdirSync(join(root, prefix)).sort()) {
      const path = prefix ? `${prefix}/${entry}` : entry;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else
        out[path] = path.endsWith('.tgz')
          ? new Uint8Array(readFileSync(join(root, path)))
          : readFileSync(join(root, path), 'utf8');
    }
  };
  walk('');
  return out;
}

export function readFixtureProfile(file: string): string {
  return readFileSync(join(FIXTURES, 'profiles', file), 'utf8');
}

/** Compares with golden/NAME (UPDATE_GOLDEN=1 rewrites it). */
export function assertGolden(name: string, actual: string): void {
  const path = join(FIXTURES, 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, 'utf8'), `golden ${name} differs (UPDATE_GOLDEN=1 rewrites it)`);
}
