import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { ProblemAlert } from './ProblemAlert';

export interface ConfirmDialogProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  children?: ReactNode;
  /** When set, the user must type this text (e.g. the object's name) before confirming. */
  typeToConfirm?: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<unknown>;
}

/** Every destructive action goes through this: it says what will happen, and shows the API's error if it fails. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const close = () => {
    setTyped('');
    setError(undefined);
    props.onClose();
  };
  const ready = props.typeToConfirm === undefined || typed === props.typeToConfirm;
  return (
    <Modal opened={props.opened} onClose={close} title={props.title} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready) return;
          setBusy(true);
          setError(undefined);
          props
            .onConfirm()
            .then(close, setError)
            .finally(() => setBusy(false));
        }}
      >
        <Stack>
          {props.children}
          {props.typeToConfirm !== undefined && (
            <TextInput
              label={
                <Text span size="sm">
                  Type <b>{props.typeToConfirm}</b> to confirm
                </Text>
              }
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              data-autofocus
              autoComplete="off"
            />
          )}
          <ProblemAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" color={props.danger ? 'red' : undefined} disabled={!ready} loading={busy}>
              {props.confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
