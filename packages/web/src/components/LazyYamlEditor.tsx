import { Skeleton } from '@mantine/core';
import { Suspense, lazy } from 'react';
import type { YamlEditorProps } from './YamlEditor';

const Editor = lazy(() => import('./YamlEditor'));

/** The YAML editor, loaded on first use (CodeMirror stays out of the initial bundle). */
export function LazyYamlEditor(props: YamlEditorProps) {
  return (
    <Suspense fallback={<Skeleton height={160} aria-label="Loading editor" />}>
      <Editor {...props} />
    </Suspense>
  );
}
