/** One server-sent event (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export interface ServerSentEvent {
  /** The `event:` field; `message` when absent. */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  id?: string;
}

/**
 * Parses a byte stream of server-sent events. Chunk boundaries may fall anywhere: inside a line, between
 * "\r" and "\n", or inside a multi-byte UTF-8 character. Comment lines (":...") are ignored, and an event
 * is dispatched only at a blank line, so a stream cut mid-event yields nothing for that event.
 */
export async function* parseServerSentEvents(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder('utf-8');
  const state = newEventState();
  let buffer = '';
  for await (const chunk of chunks) {
    buffer += decoder.decode(chunk, { stream: true });
    const { lines, rest } = splitLines(buffer);
    buffer = rest;
    for (const line of lines) {
      const event = feedLine(state, line);
      if (event) yield event;
    }
  }
  // At the end a trailing "\r" is a complete line ending; a final line without any terminator cannot
  // complete an event (that needs a blank line), so it is dropped.
  buffer += decoder.decode();
  if (buffer.endsWith('\r')) {
    for (const line of splitLines(`${buffer}\n`).lines) {
      const event = feedLine(state, line);
      if (event) yield event;
    }
  }
}

interface EventState {
  event: string;
  data: string[];
  id: string | undefined;
}

function newEventState(): EventState {
  return { event: '', data: [], id: undefined };
}

/** Splits complete lines off the buffer. A trailing "\r" stays in `rest`: it may be the first half of "\r\n". */
function splitLines(buffer: string): { lines: string[]; rest: string } {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < buffer.length; i++) {
    const c = buffer[i];
    if (c === '\n') {
      lines.push(buffer.slice(start, i));
      start = i + 1;
    } else if (c === '\r') {
      if (i + 1 === buffer.length) break;
      lines.push(buffer.slice(start, i));
      if (buffer[i + 1] === '\n') i++;
      start = i + 1;
    }
  }
  return { lines, rest: buffer.slice(start) };
}

function feedLine(state: EventState, line: string): ServerSentEvent | undefined {
  if (line === '') {
    if (state.data.length === 0) {
      state.event = '';
      return undefined;
    }
    const event: ServerSentEvent = { event: state.event || 'message', data: state.data.join('\n') };
    if (state.id !== undefined) event.id = state.id;
    state.event = '';
    state.data = [];
    return event;
  }
  if (line.startsWith(':')) return undefined;
  const colon = line.indexOf(':');
  const field = colon === -1 ? line : line.slice(0, colon);
  let value = colon === -1 ? '' : line.slice(colon + 1);
  if (value.startsWith(' ')) value = value.slice(1);
  if (field === 'data') state.data.push(value);
  else if (field === 'event') state.event = value;
  else if (field === 'id') state.id = value;
  return undefined;
}
