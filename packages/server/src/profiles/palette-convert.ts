/**
 * The Palette conversions of @strata/core, run in place for small inputs and in a worker (deadline, memory cap) for
 * large ones, like every large untrusted document (http/off-loop.ts): a 4 MiB profile export must not stall other
 * requests while it is parsed.
 */
import {
  convertPalettePack,
  convertPaletteProfiles,
  type ConvertPaletteProfilesOptions,
  type ConvertPaletteProfilesResult,
  type PalettePackResult,
} from '@strata/core';
import { OFF_LOOP_BYTES, runOffLoop } from '../http/off-loop.js';

const TIMEOUT_MS = 60_000;

/** The worker's entry points (pure). */
export function convertPackInWorker(
  files: Record<string, string | Uint8Array>,
  source: string,
): PalettePackResult {
  return convertPalettePack(files, source);
}
export function convertProfilesInWorker(o: ConvertPaletteProfilesOptions): ConvertPaletteProfilesResult {
  return convertPaletteProfiles(o);
}

/** Text the conversion parses (chart archives are carried over, not parsed). */
function textBytes(files: Record<string, string | Uint8Array>): number {
  return Object.values(files).reduce((n, f) => n + (typeof f === 'string' ? f.length : 0), 0);
}

export async function convertPack(
  files: Record<string, string | Uint8Array>,
  source: string,
): Promise<PalettePackResult> {
  if (textBytes(files) <= OFF_LOOP_BYTES) return convertPalettePack(files, source);
  const r = await runOffLoop<PalettePackResult>(import.meta.url, 'convertPackInWorker', [files, source], {
    timeoutMs: TIMEOUT_MS,
  });
  return r.ok
    ? r.value
    : { source, notes: [{ path: '', action: 'error', message: `converting it ${r.message}` }] };
}

export async function convertProfiles(
  o: ConvertPaletteProfilesOptions,
): Promise<ConvertPaletteProfilesResult> {
  if (o.text.length <= OFF_LOOP_BYTES) return convertPaletteProfiles(o);
  const r = await runOffLoop<ConvertPaletteProfilesResult>(import.meta.url, 'convertProfilesInWorker', [o], {
    timeoutMs: TIMEOUT_MS,
  });
  return r.ok
    ? r.value
    : {
        format: o.format ?? 'yaml',
        notes: [{ path: '', action: 'error', message: `converting it ${r.message}` }],
        profiles: [],
      };
}
