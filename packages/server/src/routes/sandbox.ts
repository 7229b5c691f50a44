import type { BinaryInstaller } from '@strata/sandbox';
import type { FastifyInstance } from 'fastify';

/**
 * `GET /v1/sandbox/status`: whether the local Kubernetes binaries for sandbox clusters are installed, or how far
 * their background build has come (step, percent, elapsed). The sandbox provider reports the same state.
 */
export function registerSandboxRoutes(app: FastifyInstance, installer: BinaryInstaller): void {
  app.get(
    '/v1/sandbox/status',
    {
      schema: {
        tags: ['Sandbox'],
        summary: 'Sandbox binaries: installed, installing (with progress) or failed',
      },
    },
    async () => {
      await installer.isInstalled();
      return installer.status();
    },
  );
}
