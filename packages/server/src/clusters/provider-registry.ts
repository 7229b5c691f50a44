import type { Provider } from '@strata/provider-sdk';

/** The providers this server can use, by the value of spec.provider. */
export class ProviderRegistry {
  readonly #providers = new Map<string, Provider>();

  constructor(providers: readonly Provider[] = []) {
    for (const p of providers) this.#providers.set(p.name, p);
  }

  get(name: string): Provider | undefined {
    return this.#providers.get(name);
  }

  names(): string[] {
    return [...this.#providers.keys()].sort();
  }
}
