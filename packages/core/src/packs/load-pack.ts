import { StrataError, type Issue, type PackSpec } from '@strata/api';
import { isPlainObject, pointer, scalarText, type JsonObject } from '../util/json.js';
import { parseSingleYaml } from '../yaml/load-yaml.js';
import { packDigest, type Pack } from './pack.js';
import { validatePack } from './validate-pack.js';
import type { ValuesSchemaCache } from './values-schema.js';

/** A pack directory as an in-memory map: relative path (with `/`) → content. Binary files as bytes. */
export type PackFiles = Readonly<Record<string, string | Uint8Array>>;

export interface LoadPackOptions {
  schemaCache?: ValuesSchemaCache;
}

/** Fields allowed in pack.yaml; values, schema, presets and content come from their own files. */
const PACK_YAML_FIELDS = [
  'name',
  'version',
  'displayName',
  'layer',
  'type',
  'description',
  'providers',
  'category',
  'constraints',
  'namespace',
  'chart',
  'upstream',
];
const IGNORED = /^(README(\.md)?|LICENSE|NOTICE|logo\.(png|svg)|\.helmignore)$/i;

/**
 * Reads a pack directory (pack.yaml, values.yaml, values.schema.json, presets.yaml, manifests/*.yaml, chart/ or a
 * charts/NAME-VERSION.tgz) and validates it. Every issue is reported at once, with a path into the files:
 * `/pack.yaml/version`, `/values.yaml/replicaCount`, `/manifests~1rbac.yaml`.
 */
export function parsePack(files: PackFiles, options: LoadPackOptions = {}): { pack?: Pack; issues: Issue[] } {
  const issues: Issue[] = [];
  const text = (path: string): string | undefined => {
    const f = files[path];
    if (f === undefined) return undefined;
    if (typeof f === 'string') return f;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(f);
    } catch {
      issues.push({
        path: pointer('', path),
        message: 'file is not UTF-8 text',
        code: 'STRATA_PACK_INVALID',
      });
      return undefined;
    }
  };
  const meta = text('pack.yaml');
  if (meta === undefined)
    return {
      issues: [
        ...issues,
        { path: '/pack.yaml', message: 'pack.yaml is missing', code: 'STRATA_PACK_INVALID' },
      ],
    };
  const parsedMeta = parseSingleYaml(meta, { path: '/pack.yaml', booleans: 'yaml-1.2' });
  if (parsedMeta.issues.length) return { issues: parsedMeta.issues };
  if (!isPlainObject(parsedMeta.value))
    return {
      issues: [{ path: '/pack.yaml', message: 'pack.yaml must be a map', code: 'STRATA_PACK_INVALID' }],
    };
  const head: JsonObject = parsedMeta.value;
  for (const key of Object.keys(head)) {
    if (!PACK_YAML_FIELDS.includes(key)) {
      const fileFor: Record<string, string> = {
        values: 'values.yaml',
        schema: 'values.schema.json',
        presets: 'presets.yaml',
        manifests: 'manifests/',
      };
      issues.push({
        path: pointer('/pack.yaml', key),
        message: `unknown field "${key}"${fileFor[key] ? `; put it in ${fileFor[key]}` : ''}`,
        code: 'STRATA_PACK_INVALID',
      });
    }
  }
  const pack = Object.fromEntries(
    Object.entries(head).filter(([k]) => PACK_YAML_FIELDS.includes(k)),
  ) as unknown as Pack;
  if (typeof head.version === 'number') pack.version = String(head.version);

  const values = text('values.yaml');
  if (values !== undefined) pack.values = values;

  const schemaText = text('values.schema.json') ?? text('chart/values.schema.json');
  if (schemaText !== undefined) {
    try {
      const schema: unknown = JSON.parse(schemaText);
      if (isPlainObject(schema)) pack.schema = schema;
      else
        issues.push({
          path: '/values.schema.json',
          message: 'the schema must be a JSON object',
          code: 'STRATA_PACK_INVALID',
        });
    } catch (err) {
      issues.push({
        path: '/values.schema.json',
        message: `not valid JSON: ${(err as Error).message}`,
        code: 'STRATA_PACK_INVALID',
      });
    }
  }

  const presets = text('presets.yaml');
  if (presets !== undefined) {
    const parsed = parseSingleYaml(presets, { path: '/presets.yaml', booleans: 'yaml-1.2' });
    issues.push(...parsed.issues);
    const list = isPlainObject(parsed.value) ? parsed.value.presets : parsed.value;
    if (Array.isArray(list)) pack.presets = list as unknown as PackSpec['presets'];
    else if (parsed.value !== null)
      issues.push({
        path: '/presets.yaml',
        message: 'presets.yaml must be a list of presets (or {presets: [...]})',
        code: 'STRATA_PACK_INVALID',
      });
  }

  const paths = Object.keys(files).sort();
  const manifests = paths.filter((p) => /^manifests\/[^/]+\.ya?ml$/.test(p));
  if (manifests.length)
    pack.manifests = manifests.map((p) => ({ name: p.slice('manifests/'.length), content: text(p) ?? '' }));

  const chartFiles = paths.filter((p) => p.startsWith('chart/'));
  const archives = paths.filter((p) => /^charts\/[^/]+\.tgz$/.test(p));
  if (chartFiles.length) {
    const filesOut: Record<string, string> = {};
    for (const p of chartFiles) filesOut[p.slice('chart/'.length)] = text(p) ?? '';
    const chartMeta = parseSingleYaml(filesOut['Chart.yaml'] ?? '', {
      path: '/chart~1Chart.yaml',
      booleans: 'yaml-1.2',
    });
    const cm = isPlainObject(chartMeta.value) ? chartMeta.value : {};
    pack.bundledChart = { name: scalarText(cm.name), version: scalarText(cm.version), files: filesOut };
  } else if (archives.length) {
    const p = archives[0] as string;
    const m = /^charts\/(.+)-(\d+\.\d+\.\d+[^/]*)\.tgz$/.exec(p);
    const bytes = files[p];
    if (!m)
      issues.push({
        path: pointer('', p),
        message: 'a packaged chart must be named NAME-VERSION.tgz',
        code: 'STRATA_PACK_INVALID',
      });
    else {
      const b64 =
        typeof bytes === 'string'
          ? Buffer.from(bytes, 'binary').toString('base64')
          : Buffer.from(bytes ?? new Uint8Array()).toString('base64');
      pack.bundledChart = { name: m[1] as string, version: m[2] as string, archive: b64 };
    }
    if (archives.length > 1)
      issues.push({
        path: '/charts',
        message: 'a pack holds at most one packaged chart',
        code: 'STRATA_PACK_INVALID',
      });
  }

  for (const p of paths) {
    const known =
      ['pack.yaml', 'values.yaml', 'values.schema.json', 'presets.yaml'].includes(p) ||
      manifests.includes(p) ||
      chartFiles.includes(p) ||
      archives.includes(p);
    if (!known && !IGNORED.test(p))
      issues.push({
        path: pointer('', p),
        message: 'unexpected file in the pack directory',
        code: 'STRATA_PACK_INVALID',
      });
  }

  issues.push(
    ...validatePack(pack, { schemaCache: options.schemaCache }).map((i) => ({
      ...i,
      path: toFilePath(i.path, pack),
    })),
  );
  if (issues.length) return { issues };
  pack.digest = packDigest(pack);
  return { pack, issues };
}

/** Like parsePack but throws a StrataError (STRATA_PACK_INVALID) listing every issue. */
export function loadPack(files: PackFiles, options: LoadPackOptions = {}): Pack {
  const { pack, issues } = parsePack(files, options);
  if (!pack)
    throw new StrataError(
      'STRATA_PACK_INVALID',
      `the pack is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  return pack;
}

/** Maps a pointer into the Pack object to a pointer into the pack directory. */
function toFilePath(path: string, pack: Pack): string {
  if (path === '/metadata/name') return '/pack.yaml/name';
  const m = /^\/spec(?:\/([^/]+)(\/.*)?)?$/.exec(path);
  if (!m) return path;
  const [, field, rest = ''] = m;
  switch (field) {
    case undefined:
      return '/pack.yaml';
    case 'values':
      return `/values.yaml${rest}`;
    case 'schema':
      return '/values.schema.json';
    case 'presets':
      return `/presets.yaml${rest}`;
    case 'manifests': {
      const i = /^\/(\d+)(\/.*)?$/.exec(rest);
      const name = i ? pack.manifests?.[Number(i[1])]?.name : undefined;
      return name ? pointer('', `manifests/${name}`) : '/manifests';
    }
    case 'bundledChart':
      return rest.startsWith('/files/')
        ? pointer('', `chart/${rest.slice('/files/'.length).replace(/~1/g, '/').replace(/~0/g, '~')}`)
        : '/chart';
    default:
      return `/pack.yaml/${field}${rest}`;
  }
}
