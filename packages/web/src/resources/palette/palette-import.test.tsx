import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { cellsOf, renderUi } from '../../test/render';
import { packFilesOf, type PickedFile } from './browser-files';
import { ImportReport, noteCounts } from './ImportReport';

const picked = (path: string, content: string | number[]): PickedFile => {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : new Uint8Array(content);
  return { path, size: bytes.length, bytes: () => Promise.resolve(bytes) };
};

describe('Palette import in the console', () => {
  it('shows every note of the report with what happened, the path and why; validation issues last', () => {
    const notes = [
      { path: '/pack.json/name', action: 'translated' as const, message: '"Nginx" → nginx' },
      { path: '/pack.json/group', action: 'dropped' as const, message: 'Strata has no pack groups' },
      { path: '/pack.json/layer', action: 'error' as const, message: 'Strata has no kernel layer' },
    ];
    renderUi(
      <ImportReport
        label="Report"
        notes={notes}
        issues={[
          {
            path: '/spec/layers/2/pack',
            message: 'pack cni-calico not found',
            code: 'STRATA_PACK_NOT_FOUND',
          },
        ]}
      />,
    );
    expect(cellsOf(screen.getByRole('table', { name: 'Report' }))).toEqual([
      ['translated', '/pack.json/name', '"Nginx" → nginx'],
      ['left out', '/pack.json/group', 'Strata has no pack groups'],
      ['error', '/pack.json/layer', 'Strata has no kernel layer'],
      ['invalid', '/spec/layers/2/pack', 'pack cni-calico not found (STRATA_PACK_NOT_FOUND)'],
    ]);
    expect(noteCounts(notes)).toBe('1 translated, 1 left out, 1 errors');
  });

  it('reads a picked directory as the API takes it: paths below it, charts base64, dot-directories skipped', async () => {
    const { source, files } = await packFilesOf([
      picked('nginx-ingress-chart/pack.json', '{"name": "Nginx"}'),
      picked('nginx-ingress-chart/charts/ingress-nginx-4.9.1.tgz', [0x1f, 0x8b, 0x08]),
      picked('nginx-ingress-chart/.git/HEAD', 'ref'),
    ]);
    expect(source).toBe('nginx-ingress-chart');
    expect(files).toEqual({
      'pack.json': '{"name": "Nginx"}',
      'charts/ingress-nginx-4.9.1.tgz': { base64: btoa('\x1f\x8b\x08') },
    });
  });

  it('refuses an empty choice and more than 16 MiB before reading', async () => {
    await expect(packFilesOf([])).rejects.toThrow('choose a pack directory');
    const big: PickedFile = {
      path: 'p/x.tgz',
      size: 17 * 1024 * 1024,
      bytes: () => Promise.reject(new Error('read')),
    };
    await expect(packFilesOf([big])).rejects.toThrow('more than 16 MiB');
  });
});
