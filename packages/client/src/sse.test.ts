import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseServerSentEvents, type ServerSentEvent } from './sse.js';

async function* chunksOf(parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  for (const p of parts) yield typeof p === 'string' ? encoder.encode(p) : p;
}

async function parse(parts: (string | Uint8Array)[]): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  for await (const e of parseServerSentEvents(chunksOf(parts))) out.push(e);
  return out;
}

describe('parseServerSentEvents', () => {
  const rows: { name: string; given: (string | Uint8Array)[]; expect: ServerSentEvent[] }[] = [
    {
      name: 'one event in one chunk',
      given: ['data: {"a":1}\n\n'],
      expect: [{ event: 'message', data: '{"a":1}' }],
    },
    {
      name: 'an event split in the middle of the data line',
      given: ['data: {"ty', 'pe":"ADDED"}\n', '\n'],
      expect: [{ event: 'message', data: '{"type":"ADDED"}' }],
    },
    {
      name: 'CRLF split between \\r and \\n',
      given: ['data: x\r', '\n\r', '\n'],
      expect: [{ event: 'message', data: 'x' }],
    },
    {
      name: 'bare CR line endings',
      given: ['data: x\r\rdata: y\r\r'],
      expect: [
        { event: 'message', data: 'x' },
        { event: 'message', data: 'y' },
      ],
    },
    {
      name: 'multi-line data joined with \\n',
      given: ['data: a\ndata: b\n\n'],
      expect: [{ event: 'message', data: 'a\nb' }],
    },
    {
      name: 'named events and ids',
      given: ['event: error\nid: 7\ndata: {}\n\n'],
      expect: [{ event: 'error', data: '{}', id: '7' }],
    },
    {
      name: 'comments and keep-alives ignored',
      given: [': ping\n\n', 'data: z\n\n'],
      expect: [{ event: 'message', data: 'z' }],
    },
    { name: 'no space after the colon', given: ['data:q\n\n'], expect: [{ event: 'message', data: 'q' }] },
    {
      name: 'an event cut off before its blank line is not dispatched',
      given: ['data: a\n\n', 'data: b\n'],
      expect: [{ event: 'message', data: 'a' }],
    },
    {
      name: 'several events in one chunk, one event across many',
      given: ['data: 1\n\ndata: 2\n\nda', 'ta', ': 3', '\n', '\n'],
      expect: ['1', '2', '3'].map((data) => ({ event: 'message', data })),
    },
  ];
  for (const row of rows) {
    it(row.name, async () => assert.deepEqual(await parse(row.given), row.expect));
  }

  it('decodes a multi-byte UTF-8 character split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: "ü€"\n\n');
    const cut = bytes.indexOf(0xe2) + 1; // inside the 3-byte euro sign
    assert.deepEqual(await parse([bytes.slice(0, cut), bytes.slice(cut)]), [
      { event: 'message', data: '"ü€"' },
    ]);
  });
});
