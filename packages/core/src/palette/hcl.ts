/**
 * A small reader for the part of HCL (Terraform's language) that cluster profile resources use: blocks with labels,
 * attributes, strings, heredocs, numbers, booleans, lists and objects. Anything that needs Terraform to evaluate
 * (references, function calls, `${...}` interpolation) is kept as an `expression` for the caller to report.
 * Bounded: 1 MiB of text, 64 levels of nesting; linear in the text.
 */
export type HclValue =
  string | number | boolean | null | HclValue[] | { [key: string]: HclValue } | HclExpression;

export interface HclExpression {
  expression: string;
  line: number;
}

export interface HclBlock {
  type: string;
  labels: string[];
  line: number;
  body: HclBody;
}

export interface HclBody {
  attributes: Record<string, HclValue>;
  /** Line of each attribute, for messages. */
  lines: Record<string, number>;
  blocks: HclBlock[];
}

export const MAX_HCL_BYTES = 1024 * 1024;
const MAX_DEPTH = 64;

export function isHclExpression(v: unknown): v is HclExpression {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as HclExpression).expression === 'string'
  );
}

export class HclError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

/** Parses HCL text; throws HclError (with the line) on anything it cannot read. */
export function parseHcl(text: string): HclBody {
  if (text.length > MAX_HCL_BYTES) throw new HclError(`the text is larger than ${MAX_HCL_BYTES} bytes`, 1);
  const p = new Parser(text);
  const body = p.body(0, false);
  return body;
}

class Parser {
  pos = 0;
  line = 1;
  readonly s: string;
  constructor(text: string) {
    this.s = text;
  }

  body(depth: number, braced: boolean): HclBody {
    if (depth > MAX_DEPTH) throw new HclError(`nested deeper than ${MAX_DEPTH} levels`, this.line);
    const body: HclBody = { attributes: {}, lines: {}, blocks: [] };
    for (;;) {
      this.skip(true);
      if (this.pos >= this.s.length) {
        if (braced) throw new HclError('a block is not closed with "}"', this.line);
        return body;
      }
      if (this.s[this.pos] === '}') {
        if (!braced) throw new HclError('unexpected "}"', this.line);
        this.pos++;
        return body;
      }
      const line = this.line;
      const name = this.ident();
      this.skip(false);
      if (this.s[this.pos] === '=') {
        this.pos++;
        if (Object.hasOwn(body.attributes, name))
          throw new HclError(`attribute "${name}" is set twice`, line);
        body.attributes[name] = this.value(depth + 1);
        body.lines[name] = line;
        continue;
      }
      const labels: string[] = [];
      for (;;) {
        this.skip(false);
        const c = this.s[this.pos];
        if (c === '{') break;
        if (c === '"') {
          const v = this.string();
          labels.push(typeof v === 'string' ? v : v.expression);
        } else if (c !== undefined && /[A-Za-z_]/.test(c)) labels.push(this.ident());
        else throw new HclError(`expected "=" or "{" after ${name}`, this.line);
      }
      this.pos++;
      body.blocks.push({ type: name, labels, line, body: this.body(depth + 1, true) });
    }
  }

  value(depth: number): HclValue {
    if (depth > MAX_DEPTH) throw new HclError(`nested deeper than ${MAX_DEPTH} levels`, this.line);
    this.skip(true);
    const c = this.s[this.pos];
    const line = this.line;
    if (c === '"') return this.string();
    if (c === '<' && this.s.startsWith('<<', this.pos)) return this.heredoc();
    if (c === '[') {
      this.pos++;
      const list: HclValue[] = [];
      for (;;) {
        this.skip(true);
        if (this.s[this.pos] === ']') {
          this.pos++;
          return list;
        }
        list.push(this.value(depth + 1));
        this.skip(true);
        if (this.s[this.pos] === ',') this.pos++;
      }
    }
    if (c === '{') {
      this.pos++;
      const obj: Record<string, HclValue> = {};
      for (;;) {
        this.skip(true);
        if (this.s[this.pos] === '}') {
          this.pos++;
          return obj;
        }
        const key = this.s[this.pos] === '"' ? this.stringKey() : this.ident();
        this.skip(false);
        if (this.s[this.pos] !== '=' && this.s[this.pos] !== ':')
          throw new HclError(`expected "=" after ${key}`, this.line);
        this.pos++;
        obj[key] = this.value(depth + 1);
        this.skip(true);
        if (this.s[this.pos] === ',') this.pos++;
      }
    }
    const num = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.s.slice(this.pos, this.pos + 64));
    if (num) {
      this.pos += num[0].length;
      return Number(num[0]);
    }
    if (c !== undefined && /[A-Za-z_]/.test(c)) {
      const start = this.pos;
      const word = this.ident();
      if (word === 'true' || word === 'false') return word === 'true';
      if (word === 'null') return null;
      // A reference (var.x, local.y) or a call (file("x")): kept as text for the caller to report.
      this.skipExpression();
      return { expression: this.s.slice(start, this.pos).trim(), line };
    }
    throw new HclError(`unexpected ${c === undefined ? 'end of text' : JSON.stringify(c)}`, line);
  }

  /** Skips the rest of an expression Strata does not evaluate: to the end of the line, balancing brackets. */
  skipExpression(): void {
    let depth = 0;
    while (this.pos < this.s.length) {
      const c = this.s[this.pos] as string;
      if (c === '"') {
        this.string();
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) return;
        depth--;
      } else if ((c === '\n' || c === ',') && depth === 0) return;
      if (c === '\n') this.line++;
      this.pos++;
    }
  }

  string(): string | HclExpression {
    const line = this.line;
    this.pos++;
    let out = '';
    let interpolated = false;
    while (this.pos < this.s.length) {
      const c = this.s[this.pos] as string;
      if (c === '"') {
        this.pos++;
        return interpolated ? { expression: out, line } : out;
      }
      if (c === '\n') throw new HclError('a string is not closed on its line', line);
      if (c === '\\') {
        const e = this.s[this.pos + 1];
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
        if (e === 'u' && /^[0-9A-Fa-f]{4}$/.test(this.s.slice(this.pos + 2, this.pos + 6))) {
          out += String.fromCharCode(parseInt(this.s.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
          continue;
        }
        if (e === undefined || map[e] === undefined) throw new HclError(`unknown escape \\${e ?? ''}`, line);
        out += map[e];
        this.pos += 2;
        continue;
      }
      if ((c === '$' || c === '%') && this.s[this.pos + 1] === c && this.s[this.pos + 2] === '{') {
        // $${ and %%{ are a literal ${ and %{.
        out += `${c}{`;
        this.pos += 3;
        continue;
      }
      if ((c === '$' || c === '%') && this.s[this.pos + 1] === '{') interpolated = true;
      out += c;
      this.pos++;
    }
    throw new HclError('a string is not closed', line);
  }

  stringKey(): string {
    const v = this.string();
    return typeof v === 'string' ? v : v.expression;
  }

  heredoc(): string | HclExpression {
    const line = this.line;
    const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n/.exec(this.s.slice(this.pos, this.pos + 300));
    if (!m) throw new HclError('a heredoc starts with <<MARKER or <<-MARKER and a line break', line);
    this.pos += m[0].length;
    this.line++;
    const lines: string[] = [];
    for (;;) {
      if (this.pos >= this.s.length) throw new HclError(`the heredoc ${m[2]} is not closed`, line);
      let end = this.s.indexOf('\n', this.pos);
      if (end < 0) end = this.s.length;
      const raw = this.s.slice(this.pos, end).replace(/\r$/, '');
      this.pos = Math.min(end + 1, this.s.length);
      this.line++;
      if (raw.trim() === m[2]) break;
      lines.push(raw);
    }
    let body = lines;
    if (m[1] === '-') {
      const indent = Math.min(
        ...lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length),
      );
      body = lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0));
    }
    const text = body.length ? `${body.join('\n')}\n` : '';
    return /(^|[^$])\$\{|(^|[^%])%\{/.test(text)
      ? { expression: text, line }
      : text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
  }

  ident(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.s.slice(this.pos, this.pos + 256));
    if (!m)
      throw new HclError(
        `expected a name, found ${JSON.stringify(this.s.slice(this.pos, this.pos + 10))}`,
        this.line,
      );
    this.pos += m[0].length;
    return m[0];
  }

  /** Skips blanks and comments; newlines too when `newlines`. */
  skip(newlines: boolean): void {
    while (this.pos < this.s.length) {
      const c = this.s[this.pos];
      if (c === ' ' || c === '\t' || c === '\r') this.pos++;
      else if (c === '\n') {
        if (!newlines) return;
        this.line++;
        this.pos++;
      } else if (c === '#' || (c === '/' && this.s[this.pos + 1] === '/')) {
        const end = this.s.indexOf('\n', this.pos);
        this.pos = end < 0 ? this.s.length : end;
      } else if (c === '/' && this.s[this.pos + 1] === '*') {
        const end = this.s.indexOf('*/', this.pos + 2);
        if (end < 0) throw new HclError('a /* comment is not closed', this.line);
        for (let i = this.pos; i < end; i++) if (this.s[i] === '\n') this.line++;
        this.pos = end + 2;
      } else return;
    }
  }
}
