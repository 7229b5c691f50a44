import { Alert, Anchor, Center, Loader, Paper, Stack, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { baseClient, useSession } from '../../lib/session';
import { takeVerifier } from './sso';

/**
 * Where the server sends the browser after the identity provider: collects the session with this tab's verifier
 * (the one-time code alone is not enough), then opens the console.
 */
export function SsoCallback() {
  const { signIn } = useSession();
  const [error, setError] = useState<string>();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const params = new URLSearchParams(window.location.search);
    const failed = params.get('error');
    const code = params.get('code');
    const verifier = takeVerifier();
    const collect =
      failed !== null
        ? Promise.reject(new Error(failed))
        : !code || !verifier
          ? Promise.reject(new Error('This sign-in was not started in this browser tab; start again.'))
          : baseClient().ssoToken(code, verifier);
    collect
      .then((s) => {
        window.history.replaceState(null, '', '/');
        signIn({ token: s.token, user: s.user, tenant: s.tenant, expiresAt: s.expiresAt });
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : 'Sign-in failed.'));
  }, [signIn]);
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder p="xl" w={420} shadow="sm">
        <Stack>
          <Title order={1} size="h3">
            Single sign-on
          </Title>
          {error ? (
            <>
              <Alert color="red" role="alert" title="Sign-in failed">
                {error}
              </Alert>
              <Anchor href="/">Back to sign-in</Anchor>
            </>
          ) : (
            <Loader aria-label="Signing in" />
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
