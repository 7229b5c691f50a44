import {
  Anchor,
  MantineProvider,
  createTheme,
  Notification,
  localStorageColorSchemeManager,
  type CSSVariablesResolver,
} from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { isUnauthenticated } from './lib/errors';
import { SessionProvider, useSession } from './lib/session';
import { router } from './router';

const theme = createTheme({
  primaryColor: 'indigo',
  // Shades and text colours chosen for WCAG AA contrast (4.5:1) in both schemes; axe-core checks every page.
  primaryShade: { light: 8, dark: 8 },
  autoContrast: true,
  components: {
    Anchor: Anchor.extend({ defaultProps: { underline: 'always' } }),
    // Mantine's close button has no accessible name of its own (axe rates that critical).
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { 'aria-label': 'Close notification' } },
    }),
  },
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  fontFamilyMonospace: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
});
const TEXT_COLORS = [
  'blue',
  'cyan',
  'grape',
  'gray',
  'green',
  'indigo',
  'orange',
  'red',
  'teal',
  'violet',
  'yellow',
];
/** Shade 9 darkened a quarter: readable (≥ 4.5:1) on white and on the light badge backgrounds. */
const darker = (c: string) => `color-mix(in srgb, var(--mantine-color-${c}-9) 75%, black)`;
const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    ...Object.fromEntries(TEXT_COLORS.map((c) => [`--mantine-color-${c}-light-color`, darker(c)])),
    ...Object.fromEntries(TEXT_COLORS.map((c) => [`--mantine-color-${c}-text`, darker(c)])),
    ...Object.fromEntries(TEXT_COLORS.map((c) => [`--mantine-color-${c}-outline`, darker(c)])),
  },
  dark: {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    '--mantine-color-error': 'var(--mantine-color-red-4)',
    '--mantine-color-anchor': 'var(--mantine-color-indigo-3)',
    ...Object.fromEntries(
      TEXT_COLORS.map((c) => [`--mantine-color-${c}-light-color`, `var(--mantine-color-${c}-2)`]),
    ),
    ...Object.fromEntries(
      TEXT_COLORS.map((c) => [`--mantine-color-${c}-text`, `var(--mantine-color-${c}-2)`]),
    ),
    ...Object.fromEntries(
      TEXT_COLORS.map((c) => [`--mantine-color-${c}-outline`, `var(--mantine-color-${c}-2)`]),
    ),
  },
});
const colorSchemeManager = localStorageColorSchemeManager({ key: 'strata.color-scheme' });

/** Tells the session about a 401 from any request (expired or revoked session key). */
class UnauthorizedSignal {
  private listener: ((reason: string) => void) | undefined;
  emit(reason: string): void {
    this.listener?.(reason);
  }
  subscribe(listener: (reason: string) => void): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }
}

function makeQueryClient(signal: UnauthorizedSignal): QueryClient {
  const onError = (err: unknown) => {
    if (isUnauthenticated(err)) signal.emit('Your session ended. Sign in again.');
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        retry: (count, err) => !isUnauthenticated(err) && count < 2,
        refetchOnWindowFocus: false,
        staleTime: 5_000,
      },
    },
  });
}

function SignOutOnUnauthorized({ signal }: { signal: UnauthorizedSignal }) {
  const { signOut } = useSession();
  useEffect(() => signal.subscribe((reason) => signOut(reason)), [signal, signOut]);
  return null;
}

export function App() {
  const [signal] = useState(() => new UnauthorizedSignal());
  const [client] = useState(() => makeQueryClient(signal));
  return (
    <MantineProvider
      theme={theme}
      defaultColorScheme="auto"
      colorSchemeManager={colorSchemeManager}
      cssVariablesResolver={cssVariablesResolver}
    >
      <Notifications position="bottom-right" />
      <QueryClientProvider client={client}>
        <SessionProvider>
          <SignOutOnUnauthorized signal={signal} />
          <RouterProvider router={router} />
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
