import {
  Alert,
  Button,
  Center,
  Divider,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { newChallenge, SSO_CALLBACK_PATH } from './sso';
import { ProblemAlert } from '../../components/ProblemAlert';
import { baseClient, useSession } from '../../lib/session';

/** Sign-in with user name and password: POST /v1/login gives a session API key (12 h). */
export function SignIn() {
  const { signIn, endedReason } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [tenant, setTenant] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const providers = useQuery({
    queryKey: ['sso-providers', tenant],
    queryFn: ({ signal }) => baseClient().ssoProviders(tenant || undefined, { signal }),
    retry: false,
  });
  const startSso = async (provider: string) => {
    const challenge = await newChallenge();
    window.location.assign(
      baseClient().ssoAuthorizeUrl({
        provider,
        redirect: SSO_CALLBACK_PATH,
        challenge,
        ...(tenant ? { tenant } : {}),
      }),
    );
  };
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder p="xl" w={380} shadow="sm">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            setError(undefined);
            baseClient()
              .login({ username, password, ...(tenant ? { tenant } : {}) })
              .then(
                (r) => signIn({ token: r.token, user: r.user, tenant: r.tenant, expiresAt: r.expiresAt }),
                setError,
              )
              .finally(() => setBusy(false));
          }}
        >
          <Stack>
            <Title order={1} size="h3">
              Sign in to Strata
            </Title>
            {endedReason && (
              <Alert color="yellow" role="status">
                {endedReason}
              </Alert>
            )}
            <TextInput
              label="User name"
              name="username"
              autoComplete="username"
              required
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              data-autofocus
              autoFocus
            />
            <PasswordInput
              label="Password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <TextInput
              label="Tenant"
              description="Leave empty for the default tenant"
              name="tenant"
              value={tenant}
              onChange={(e) => setTenant(e.currentTarget.value)}
            />
            <ProblemAlert error={error} title="Sign-in failed" />
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
            {(providers.data ?? []).length > 0 && <Divider label="or" labelPosition="center" />}
            {(providers.data ?? []).map((p) => (
              <Button key={p.name} variant="default" onClick={() => void startSso(p.name)}>
                Sign in with {p.displayName}
              </Button>
            ))}
            <Text size="xs" c="dimmed">
              The first administrator's password is in the server's data directory (admin-password).
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
