import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { checkYaml, mergeValues, renderSamples } from '../lib/yaml-schema';
import { renderUi } from '../test/render';
import { YamlEditor } from './YamlEditor';

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['controller'],
  properties: {
    controller: {
      type: 'object',
      additionalProperties: false,
      properties: {
        replicaCount: { type: 'integer', minimum: 1 },
        service: {
          type: 'object',
          properties: { type: { enum: ['NodePort', 'ClusterIP', 'LoadBalancer'] } },
        },
      },
    },
  },
};
const base = 'controller:\n  replicaCount: 1\n';

describe('checkYaml', () => {
  it('accepts values that match the schema once merged over the pack defaults', () => {
    expect(checkYaml('controller:\n  replicaCount: 3\n', { schema, base })).toEqual([]);
    // `controller` is required, but the pack defaults provide it.
    expect(checkYaml('', { schema, base })).toEqual([]);
  });

  it('reports a syntax error with its line', () => {
    const [d, ...rest] = checkYaml('controller:\n  replicaCount: 3\n bad: [\n', { schema, base });
    expect(rest.length).toBeGreaterThanOrEqual(0);
    expect(d?.severity).toBe('error');
    expect(d?.line).toBeGreaterThanOrEqual(3);
  });

  it('points a schema violation at the offending value, with its path', () => {
    const text = 'controller:\n  replicaCount: "three"\n';
    const [d] = checkYaml(text, { schema, base });
    expect(d?.path).toBe('/controller/replicaCount');
    expect(d?.message).toBe('/controller/replicaCount: must be integer');
    expect(text.slice(d!.from, d!.to)).toBe('"three"');
    expect(d?.line).toBe(2);
  });

  it('names unknown fields and enum choices', () => {
    const text = 'controller:\n  replicas: 2\n  service:\n    type: Ingress\n';
    const problems = checkYaml(text, { schema, base }).map((d) => d.message);
    expect(problems).toContain('/controller/replicas: unknown field "replicas"');
    expect(problems).toContain(
      '/controller/service/type: must be one of "NodePort", "ClusterIP", "LoadBalancer"',
    );
  });

  it('reads template actions as samples: variable defaults, default pipes, and maps errors back to the original text', () => {
    expect(
      checkYaml('controller:\n  replicaCount: {{ .var.replicas }}\n', {
        schema,
        base,
        variables: { replicas: 2 },
      }),
    ).toEqual([]);
    expect(checkYaml('controller:\n  replicaCount: {{ .macro.n | default 3 }}\n', { schema, base })).toEqual(
      [],
    );
    const text = 'controller:\n  replicaCount: {{ .var.replicas }}\n';
    const [d] = checkYaml(text, { schema, base, variables: { replicas: 0 } });
    expect(d?.message).toBe('/controller/replicaCount: must be >= 1');
    expect(text.slice(d!.from, d!.to)).toBe('{{ .var.replicas }}');
  });

  it('merges like Helm: maps merge, null deletes, lists replace', () => {
    expect(mergeValues({ a: { b: 1, c: 2 }, l: [1] }, { a: { c: null, d: 3 }, l: [2] })).toEqual({
      a: { b: 1, d: 3 },
      l: [2],
    });
    expect(renderSamples('x: {{ .var.a }}', { a: 'hello' }).text).toBe('x: hello');
  });
});

describe('YamlEditor', () => {
  it('lists the problems of the text under the editor, and says when it is valid', async () => {
    const { rerender } = renderUi(
      <YamlEditor
        label="Values of ingress-nginx"
        value={'controller:\n  replicaCount: 0\n'}
        schema={schema}
        base={base}
      />,
    );
    const list = await screen.findByRole('list', { name: 'Values of ingress-nginx: problems' });
    expect(list.textContent).toContain('line 2: /controller/replicaCount: must be >= 1');
    rerender(
      <YamlEditor
        label="Values of ingress-nginx"
        value={'controller:\n  replicaCount: 2\n'}
        schema={schema}
        base={base}
      />,
    );
    await waitFor(() =>
      expect(screen.getByTestId('yaml-status').textContent).toBe('Valid YAML; matches the pack schema.'),
    );
  });

  it('gives the editor an accessible name', async () => {
    renderUi(<YamlEditor label="Manifest of layer team-ns" value="a: 1" />);
    await waitFor(() =>
      expect(document.querySelector('[aria-label="Manifest of layer team-ns"]')).not.toBeNull(),
    );
  });
});
