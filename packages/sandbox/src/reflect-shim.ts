/**
 * @peculiar/x509 uses tsyringe, which refuses to load without the Reflect metadata API
 * (normally the `reflect-metadata` package, which is not installed here). This installs the
 * small subset tsyringe calls, only when no implementation is present. Import it before x509.
 */
type Key = object;
const store = new WeakMap<Key, Map<unknown, unknown>>();

interface ReflectMetadata {
  getMetadata?: (key: unknown, target: Key) => unknown;
}

const reflect = Reflect as typeof Reflect & ReflectMetadata & Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  const own = (target: Key): Map<unknown, unknown> | undefined => store.get(target);
  const lookup = (key: unknown, target: Key | null): unknown => {
    for (let t: Key | null = target; t; t = Object.getPrototypeOf(t) as Key | null) {
      const map = own(t);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  };
  const define = (key: unknown, value: unknown, target: Key): void => {
    const map = own(target) ?? new Map<unknown, unknown>();
    map.set(key, value);
    store.set(target, map);
  };
  Object.assign(reflect, {
    getMetadata: lookup,
    getOwnMetadata: (key: unknown, target: Key): unknown => own(target)?.get(key),
    hasMetadata: (key: unknown, target: Key): boolean => lookup(key, target) !== undefined,
    hasOwnMetadata: (key: unknown, target: Key): boolean => own(target)?.has(key) ?? false,
    defineMetadata: define,
    metadata:
      (key: unknown, value: unknown) =>
      (target: Key): void =>
        define(key, value, target),
  });
}

export {};
