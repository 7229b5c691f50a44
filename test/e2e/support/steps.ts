import { it } from 'node:test';

/**
 * Test steps that build on each other: after a failure the later steps fail at once, naming the step that failed
 * first, instead of timing out one by one. `onFailure` runs once, right after the failing step (e.g. a screenshot).
 */
export function sequentialSteps(
  onFailure: () => Promise<unknown> = async () => undefined,
): (name: string, fn: () => Promise<void>) => void {
  let broken: string | undefined;
  return (name, fn) => {
    void it(name, async () => {
      if (broken) throw new Error(`not run: an earlier step failed: ${broken}`);
      try {
        await fn();
      } catch (err) {
        broken = name;
        await onFailure().catch(() => undefined);
        throw err;
      }
    });
  };
}
