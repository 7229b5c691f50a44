import { Random } from './random.js';
import { DEEP_PLACEHOLDER, NASTY_STRINGS, deepDocument, mutateValue } from './mutations.js';
import { validValue, type JsonSchema, type ValueContext } from './schema-values.js';
import { yamlBody } from './yaml-bodies.js';

/** The parts of the OpenAPI document the fuzzer reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/** One route to fuzz: from the OpenAPI document when it is described there, else from the route table alone. */
export interface FuzzOperation {
  method: string;
  /** Fastify syntax (`/v1/projects/:project/macros`), as in the app's route table. */
  route: string;
  query: { name: string; required: boolean; schema: JsonSchema }[];
  /** Schema of the JSON body; PATCH uses the PUT schema of the same path (a merge patch is a partial object). */
  body?: JsonSchema;
  inDocument: boolean;
}

export interface FuzzCaller {
  name: string;
  /** How often the caller is picked, relative to the others. */
  weight: number;
  /** Value of the Authorization header, or undefined for none. */
  authorization?: string;
}

export interface FuzzRequest {
  index: number;
  method: string;
  route: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  caller: string;
  /** What was done to the request, for the report. */
  mutation: string;
}

export interface FuzzPlan {
  document: OpenApiDocument;
  operations: FuzzOperation[];
  callers: readonly FuzzCaller[];
  /** Object names the run reuses (so updates and deletes meet what creates made). */
  names: readonly string[];
  projects: readonly string[];
  versions: readonly string[];
}

/** Every route of the app, with what the OpenAPI document says about it. */
export function fuzzOperations(
  document: OpenApiDocument,
  routes: readonly { method: string; url: string }[],
): FuzzOperation[] {
  return routes.map(({ method, url }) => {
    const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const item = document.paths[path];
    const op = item?.[method.toLowerCase()];
    const bodyOf = (o: OpenApiOperation | undefined) => o?.requestBody?.content?.['application/json']?.schema;
    const body = bodyOf(op) ?? (method === 'PATCH' ? bodyOf(item?.put) : undefined);
    return {
      method,
      route: url,
      query: (op?.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, required: p.required === true, schema: p.schema ?? {} })),
      ...(body ? { body } : {}),
      inDocument: op !== undefined,
    };
  });
}

/** Case `index` of run `seed`: the same pair always gives the same request. */
export function fuzzRequest(plan: FuzzPlan, seed: number, index: number): FuzzRequest {
  const rnd = Random.forCase(seed, index);
  const op = plan.operations[index % plan.operations.length]!;
  const ctx: ValueContext = {
    rnd,
    names: plan.names,
    resolve: (ref) => plan.document.components?.schemas?.[ref.replace(/^#\/components\/schemas\//, '')],
  };
  const notes: string[] = [];
  const params: Record<string, string> = {};
  const url = op.route.replace(/:([A-Za-z0-9_]+)|\*/g, (_m, name: string | undefined) => {
    const value = pathValue(name ?? '*', plan, rnd);
    params[name ?? '*'] = value;
    if (!isPlain(value)) notes.push(`path ${name ?? '*'}=${value.slice(0, 40)}`);
    return value;
  });
  const query = queryString(op, ctx, notes);
  const caller = rnd.weighted(plan.callers.map((c) => [c.weight, c] as const));
  const headers: Record<string, string> = {};
  if (caller.authorization !== undefined) headers.authorization = caller.authorization;
  const request: FuzzRequest = {
    index,
    method: op.method,
    route: op.route,
    url: url + query,
    headers,
    caller: caller.name,
    mutation: '',
  };
  const wantsBody = ['POST', 'PUT', 'PATCH'].includes(op.method) || rnd.chance(0.05);
  if (wantsBody) addBody(request, op, ctx, params, notes);
  request.mutation = notes.join('; ') || 'none';
  return request;
}

function pathValue(name: string, plan: FuzzPlan, rnd: Random): string {
  if (rnd.chance(0.25)) return nastySegment(rnd);
  switch (name) {
    case 'project':
      return rnd.pick(plan.projects);
    case 'version':
      return rnd.pick(plan.versions);
    case 'digest':
      return `sha256:${'0'.repeat(64)}`;
    case 'file':
    case '*':
      return rnd.pick(['token.yaml', 'a/b.yaml', 'x']);
    default:
      return rnd.pick(plan.names);
  }
}

const RAW_SEGMENTS = ['%00', 'a%00b', '%2e%2e', '..', '%2F', '%ff', '%E2%80%AE', '%0d%0a', '%20', '~', '%25'];

function nastySegment(rnd: Random): string {
  if (rnd.chance(0.4)) return rnd.pick(RAW_SEGMENTS);
  if (rnd.chance(0.15)) return 'a'.repeat(rnd.pick([64, 254, 4096]));
  const s = rnd.pick(NASTY_STRINGS.filter((x) => x !== ''));
  return encodeLoosely(s);
}

/** encodeURIComponent, but a lone surrogate becomes its (invalid) UTF-8 bytes instead of throwing. */
function encodeLoosely(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ed%a0%80';
  }
}

const UNKNOWN_QUERY = [
  'dryRun=true',
  'colour=red',
  '__proto__[polluted]=1',
  'limit[]=1',
  `${'q'.repeat(300)}=1`,
];

function queryString(op: FuzzOperation, ctx: ValueContext, notes: string[]): string {
  const { rnd } = ctx;
  const parts: string[] = [];
  for (const p of op.query) {
    if (!p.required && !rnd.chance(0.5)) continue;
    const bad = rnd.chance(0.4);
    const value = bad ? badQueryValue(p.name, rnd) : goodQueryValue(p, ctx);
    if (bad) notes.push(`query ${p.name}=${value.slice(0, 40)}`);
    parts.push(`${p.name}=${value}`);
    if (rnd.chance(0.05)) {
      parts.push(`${p.name}=${value}`);
      notes.push(`query ${p.name} twice`);
    }
  }
  if (rnd.chance(0.2)) {
    const unknown = rnd.pick(UNKNOWN_QUERY);
    parts.push(unknown);
    notes.push(`unknown query ${unknown.slice(0, 40)}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

function goodQueryValue(p: FuzzOperation['query'][number], ctx: ValueContext): string {
  // Never open a stream or a long poll: the fuzzer sends one request after another.
  if (p.name === 'watch') return ctx.rnd.pick(['false', '0']);
  if (/wait/i.test(p.name)) return '0';
  if (p.name === 'limit') return String(ctx.rnd.between(1, 1000));
  if (p.name === 'labelSelector')
    return encodeURIComponent(ctx.rnd.pick(['app=web', 'tier!=db', 'x in (a,b)', '!x']));
  return encodeLoosely(String(validValue(p.schema, ctx)));
}

function badQueryValue(name: string, rnd: Random): string {
  if (name === 'watch') return rnd.pick(['yes', 'TRUE', '', '2', '%00']);
  return rnd.pick([
    '-1',
    '0',
    '1001',
    'abc',
    '1e3',
    '99999999999999999999999',
    '%00',
    '%ff',
    encodeURIComponent('a in ('),
    encodeURIComponent('x'.repeat(5000)),
    encodeLoosely(rnd.pick(NASTY_STRINGS)),
    '',
  ]);
}

const BAD_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'application/jsonx',
  '',
];

function addBody(
  request: FuzzRequest,
  op: FuzzOperation,
  ctx: ValueContext,
  params: Record<string, string>,
  notes: string[],
): void {
  const { rnd } = ctx;
  const schema = op.body ?? {};
  const strategy = rnd.weighted<string>([
    [3, 'valid'],
    [6, 'mutated'],
    [1, 'malformed JSON'],
    [2, 'YAML'],
    [1, 'bad content type'],
    [1, 'empty'],
  ]);
  const jsonType =
    op.method === 'PATCH' && rnd.chance(0.85) ? 'application/merge-patch+json' : 'application/json';
  let value = validValue(schema, ctx);
  // Most bodies name the object of the URL, so replaces and patches reach the real object.
  const meta = isRecord(value) ? value.metadata : undefined;
  if (isRecord(meta) && params.name !== undefined && rnd.chance(0.8)) meta.name = params.name;
  notes.push(`body ${strategy}`);
  switch (strategy) {
    case 'valid':
      request.headers['content-type'] = jsonType;
      request.payload = JSON.stringify(value);
      return;
    case 'mutated': {
      const m = mutateValue(value, schema, ctx);
      value = m.value;
      notes.push(m.mutation);
      request.headers['content-type'] = jsonType;
      const text = JSON.stringify(value) ?? 'null';
      request.payload = m.deepDepth
        ? text.replace(JSON.stringify(DEEP_PLACEHOLDER), deepDocument(m.deepDepth, rnd))
        : text;
      return;
    }
    case 'malformed JSON': {
      const text = JSON.stringify(value) ?? '{}';
      request.headers['content-type'] = jsonType;
      request.payload = rnd.pick([
        text.slice(0, Math.max(1, text.length - 2)),
        text + ',',
        '\ufeff' + text,
        text.replace(':', '::'),
        '{"a": NaN}',
        '{"a": 1 /* comment */}',
        "{'a': 1}",
        '\u0000',
        '[' + text,
      ]);
      return;
    }
    case 'YAML': {
      const y = yamlBody(value, rnd);
      notes.push(y.trick);
      request.headers['content-type'] = rnd.pick(['application/yaml', 'application/x-yaml', 'text/yaml']);
      request.payload = y.text;
      return;
    }
    case 'bad content type': {
      const type = rnd.pick(BAD_CONTENT_TYPES);
      if (type !== '') request.headers['content-type'] = type;
      notes.push(`content-type "${type}"`);
      request.payload = JSON.stringify(value);
      return;
    }
    default:
      request.headers['content-type'] = jsonType;
      request.payload = rnd.pick(['', ' ', 'null', '[]', '""']);
  }
}

function isPlain(value: string): boolean {
  return /^[a-z0-9.:-]*$/.test(value) && value.length < 64;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
