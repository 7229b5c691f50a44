import { CloudAccountKind } from '@strata/api';
import { ResourcePage } from '../../components/ResourcePage';
import { optional, secretSet, str, text, type SpecObject } from '../../lib/resource-values';

export function CloudAccountList() {
  return (
    <ResourcePage<SpecObject>
      kind={CloudAccountKind}
      title="Cloud accounts"
      description="Credentials for providers. They are encrypted at rest and never shown again."
      columns={[
        { header: 'Provider', render: (a) => text(a.spec.provider) },
        { header: 'Region', render: (a) => text(a.spec.region) },
        {
          header: 'Credentials',
          render: (a) => (secretSet(a, '/credentials') ? 'set (write-only)' : 'not set'),
        },
      ]}
      searchText={(a) => [text(a.spec.provider), text(a.spec.region)]}
      create={{
        fields: [
          { name: 'name', label: 'Name', required: true, path: '/metadata/name' },
          {
            name: 'provider',
            label: 'Provider',
            type: 'select',
            required: true,
            options: ['aws', 'eks', 'azure', 'aks', 'gcp', 'gke', 'vsphere', 'openstack', 'maas', 'edge'],
            path: '/spec/provider',
          },
          { name: 'region', label: 'Region', path: '/spec/region' },
          {
            name: 'credentials',
            label: 'Credentials',
            type: 'textarea',
            description: 'One KEY=VALUE per line (e.g. accessKeyId=..., secretAccessKey=...). Write-only.',
            path: '/spec/credentials',
          },
        ],
        build: (v) => ({
          kind: 'CloudAccount',
          metadata: { name: str(v.name) ?? '' },
          spec: optional({
            provider: str(v.provider) ?? '',
            region: str(v.region),
            credentials: Object.fromEntries(
              (str(v.credentials) ?? '')
                .split('\n')
                .map((l) => l.trim())
                .filter(Boolean)
                .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
            ),
          }),
        }),
      }}
    />
  );
}
