import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { Prec } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { Code, List, Stack, Text, useComputedColorScheme } from '@mantine/core';
import CodeMirror from '@uiw/react-codemirror';
import { useMemo } from 'react';
import { checkYaml, type YamlCheckOptions } from '../lib/yaml-schema';

// The dark theme's comments and line numbers are too faint for WCAG AA; these win over it.
// (Line numbers: styles.css.)
const readableDark = [
  Prec.high(
    syntaxHighlighting(
      HighlightStyle.define([
        { tag: tags.comment, color: '#aab2c0' },
        {
          tag: [tags.name, tags.deleted, tags.character, tags.propertyName, tags.macroName],
          color: '#f0a0a6',
        },
      ]),
    ),
  ),
];

export interface YamlEditorProps extends YamlCheckOptions {
  value: string;
  onChange?: (value: string) => void;
  /** Accessible name of the editor. */
  label: string;
  readOnly?: boolean;
  minHeight?: string;
}

/**
 * CodeMirror with YAML highlighting; checks the text as you type (syntax, and the merged values against the
 * pack's JSON Schema) and lists the problems under the editor with their line, so they are readable without
 * the gutter markers.
 */
export function YamlEditor(props: YamlEditorProps) {
  const { value, onChange, label, readOnly, schema, base, variables } = props;
  const scheme = useComputedColorScheme('light');
  const problems = useMemo(
    () => checkYaml(value, { schema, base, variables }),
    [value, schema, base, variables],
  );
  const extensions = useMemo(
    () => [
      yaml(),
      lintGutter(),
      linter((view): Diagnostic[] =>
        checkYaml(view.state.doc.toString(), { schema, base, variables }).map((d) => ({
          from: Math.min(d.from, view.state.doc.length),
          to: Math.min(d.to, view.state.doc.length),
          severity: d.severity,
          message: d.message,
        })),
      ),
      EditorView.contentAttributes.of({ 'aria-label': label }),
      EditorView.lineWrapping,
      ...(scheme === 'dark' ? readableDark : []),
    ],
    [schema, base, variables, label, scheme],
  );
  return (
    <Stack gap={4}>
      <CodeMirror
        value={value}
        onChange={onChange}
        readOnly={readOnly}
        editable={!readOnly}
        extensions={extensions}
        theme={scheme === 'dark' ? 'dark' : 'light'}
        minHeight={props.minHeight ?? '160px'}
        basicSetup={{ foldGutter: false, highlightActiveLine: !readOnly }}
      />
      <div aria-live="polite">
        {problems.length === 0 ? (
          <Text size="xs" c="dimmed" data-testid="yaml-status">
            {schema ? 'Valid YAML; matches the pack schema.' : 'Valid YAML.'}
          </Text>
        ) : (
          <List size="xs" c="red.8" aria-label={`${label}: problems`} data-testid="yaml-problems">
            {problems.map((p, i) => (
              <List.Item key={i}>
                line {p.line}: {p.message} {p.path && <Code>{p.path}</Code>}
              </List.Item>
            ))}
          </List>
        )}
      </div>
    </Stack>
  );
}

export default YamlEditor;
