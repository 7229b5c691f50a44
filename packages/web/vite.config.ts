/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig, defaultClientConditions } from 'vite';

// The console is served by `strata server` at `/` (packages/server/src/routes/console.ts). Everything is bundled:
// no CDN at run time. `development` resolves the workspace packages (@strata/api, @strata/client) to their sources.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['development', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 700,
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev -w packages/web` with a server on 7080: API calls go there.
    proxy: { '/v1': 'http://127.0.0.1:7080' },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    css: false,
  },
});
