import { fireEvent, screen } from '@testing-library/react';
import type { ProfileVariable } from '@strata/api';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { checkVariable, checkVariables, type RawValue } from '../lib/variables';
import { renderUi } from '../test/render';
import { VariableInputs } from './VariableInputs';

const v = (def: Partial<ProfileVariable> & Pick<ProfileVariable, 'type'>): ProfileVariable => ({
  name: 'x',
  ...def,
});

describe('checkVariable', () => {
  const rows: {
    name: string;
    def: ProfileVariable;
    raw: RawValue;
    expect: ReturnType<typeof checkVariable>;
  }[] = [
    { name: 'number from text', def: v({ type: 'number' }), raw: '3', expect: { value: 3 } },
    { name: 'not a number', def: v({ type: 'number' }), raw: 'three', expect: { error: 'must be a number' } },
    { name: 'boolean from a switch', def: v({ type: 'boolean' }), raw: false, expect: { value: false } },
    { name: 'ipv4', def: v({ type: 'ipv4' }), raw: '10.0.0.1', expect: { value: '10.0.0.1' } },
    {
      name: 'bad ipv4',
      def: v({ type: 'ipv4' }),
      raw: '10.0.0.256',
      expect: { error: 'must be an IPv4 address such as 10.0.0.1' },
    },
    { name: 'cidr', def: v({ type: 'cidr' }), raw: '10.42.0.0/16', expect: { value: '10.42.0.0/16' } },
    {
      name: 'cidr without bits',
      def: v({ type: 'cidr' }),
      raw: '10.42.0.0',
      expect: { error: 'must be an IPv4 CIDR such as 10.42.0.0/16' },
    },
    {
      name: 'cidr bits > 32',
      def: v({ type: 'cidr' }),
      raw: '10.42.0.0/33',
      expect: { error: 'must be an IPv4 CIDR such as 10.42.0.0/16' },
    },
    { name: 'version with v', def: v({ type: 'version' }), raw: 'v1.2.3', expect: { value: 'v1.2.3' } },
    {
      name: 'bad version',
      def: v({ type: 'version' }),
      raw: '1.2',
      expect: { error: 'must be a semantic version such as 1.2.3' },
    },
    {
      name: 'regex must match in full',
      def: v({ type: 'string', regex: '[a-z]+' }),
      raw: 'abc1',
      expect: { error: 'must match [a-z]+' },
    },
    { name: 'regex ok', def: v({ type: 'string', regex: '[a-z]+' }), raw: 'abc', expect: { value: 'abc' } },
    {
      name: 'secret pattern message hides the pattern',
      def: v({ type: 'secret', regex: '.{8,}' }),
      raw: 'short',
      expect: { error: 'does not match the required pattern' },
    },
    {
      name: 'options',
      def: v({ type: 'string', options: ['dev', 'prod'] }),
      raw: 'test',
      expect: { error: 'must be one of dev, prod' },
    },
    {
      name: 'number options compare as text',
      def: v({ type: 'number', options: [1, 3] }),
      raw: '3',
      expect: { value: 3 },
    },
    {
      name: 'required and empty',
      def: v({ type: 'string', required: true }),
      raw: '',
      expect: { error: 'required' },
    },
    {
      name: 'required with a default',
      def: v({ type: 'string', required: true, default: 'a' }),
      raw: undefined,
      expect: {},
    },
    { name: 'optional and empty', def: v({ type: 'number' }), raw: '', expect: {} },
  ];
  for (const row of rows) {
    it(row.name, () => expect(checkVariable(row.def, row.raw)).toEqual(row.expect));
  }

  it('checks a whole set: typed values to send and errors by name', () => {
    const defs: ProfileVariable[] = [
      { name: 'replicas', type: 'number', required: true },
      { name: 'podCidr', type: 'cidr', default: '10.42.0.0/16' },
      { name: 'team', type: 'string' },
    ];
    expect(checkVariables(defs, { replicas: '2', podCidr: 'nope' })).toEqual({
      values: { replicas: 2 },
      errors: { podCidr: 'must be an IPv4 CIDR such as 10.42.0.0/16' },
    });
  });
});

function Harness({ variables, showMissing }: { variables: ProfileVariable[]; showMissing?: boolean }) {
  const [values, setValues] = useState<Record<string, RawValue>>({});
  return (
    <VariableInputs
      variables={variables}
      values={values}
      onChange={(n, x) => setValues((o) => ({ ...o, [n]: x }))}
      showMissing={showMissing}
    />
  );
}

describe('VariableInputs', () => {
  const variables: ProfileVariable[] = [
    { name: 'podCidr', type: 'cidr', default: '10.42.0.0/16', description: 'Pod network' },
    { name: 'replicas', type: 'number', required: true },
    { name: 'environment', type: 'string', options: ['dev', 'prod'], default: 'dev' },
    { name: 'registryPassword', type: 'secret', sensitive: true },
    { name: 'internal', type: 'string', hidden: true, default: 'x' },
    { name: 'debug', type: 'boolean', default: false },
  ];

  it('renders a typed input per visible variable (secrets masked, hidden ones left out)', () => {
    renderUi(<Harness variables={variables} />);
    expect(screen.getByLabelText<HTMLInputElement>('podCidr').placeholder).toBe('10.42.0.0/16');
    expect(screen.getByLabelText<HTMLInputElement>('registryPassword').type).toBe('password');
    expect(screen.queryByLabelText('internal')).toBeNull();
    expect(screen.getByRole('switch', { name: /^debug/ })).toBeTruthy();
    expect(screen.getByText(/Pod network · type cidr · default 10.42.0.0\/16/)).toBeTruthy();
  });

  it('validates while typing and clears the error once the value is valid', () => {
    renderUi(<Harness variables={variables} />);
    const cidr = screen.getByLabelText('podCidr');
    fireEvent.change(cidr, { target: { value: '10.42.0.0' } });
    expect(screen.getByText('must be an IPv4 CIDR such as 10.42.0.0/16')).toBeTruthy();
    expect(cidr.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(cidr, { target: { value: '10.42.0.0/16' } });
    expect(screen.queryByText('must be an IPv4 CIDR such as 10.42.0.0/16')).toBeNull();
    fireEvent.change(screen.getByLabelText(/replicas/), { target: { value: 'two' } });
    expect(screen.getByText('must be a number')).toBeTruthy();
  });

  it('marks missing required values only after a submit attempt', () => {
    const { rerender } = renderUi(
      <VariableInputs variables={variables} values={{}} onChange={() => undefined} />,
    );
    expect(screen.queryByText('required')).toBeNull();
    rerender(<VariableInputs variables={variables} values={{}} onChange={() => undefined} showMissing />);
    expect(screen.getByText('required')).toBeTruthy();
  });

  it("shows the server's error for a variable over the local check", () => {
    renderUi(
      <VariableInputs
        variables={variables}
        values={{ replicas: '3' }}
        onChange={() => undefined}
        serverErrors={{ replicas: 'immutable: was 2' }}
      />,
    );
    expect(screen.getByText('immutable: was 2')).toBeTruthy();
  });
});
