import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxBanner } from './main.js';

describe('start banner: sandbox line', () => {
  const url = 'http://127.0.0.1:7080';
  it('does not claim a build is running when auto-install is off', () => {
    const line = sandboxBanner({ installed: false, autoInstall: false, url });
    assert.doesNotMatch(line, /building Kubernetes binaries/);
    assert.match(line, /not installed, not building \(STRATA_SANDBOX_AUTO_INSTALL=false\)/);
  });
  it('says the build runs in the background when it does', () => {
    assert.match(
      sandboxBanner({ installed: false, autoInstall: true, url }),
      /building .* in the background/,
    );
  });
  it('says installed when the binaries are there', () => {
    assert.match(
      sandboxBanner({ installed: true, autoInstall: false, binDir: '/b', url }),
      /installed \(\/b\)/,
    );
  });
});
