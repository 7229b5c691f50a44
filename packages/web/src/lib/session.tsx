import { StrataClient } from '@strata/client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { can as canDo, type Permissions } from './permissions';
import { WatchHub } from './watch-hub';

const TOKEN_KEY = 'strata.session';
const PROJECT_KEY = 'strata.project';

export interface SessionInfo {
  token: string;
  user: string;
  tenant: string;
  expiresAt: string;
}

export interface SessionContextValue {
  session: SessionInfo | undefined;
  client: StrataClient;
  permissions: Permissions | undefined;
  /** The project every project-scoped screen works in. */
  project: string;
  setProject: (project: string) => void;
  /** Projects the user may switch to (bound projects, or every project for tenant-wide users). */
  signIn: (session: SessionInfo) => void;
  signOut: (reason?: string) => void;
  /** Why the last session ended (shown on the sign-in screen). */
  endedReason: string | undefined;
  can: (kind: string, verb: string, scope?: 'project' | 'tenant') => boolean;
  watchHub: WatchHub;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

function readSession(): SessionInfo | undefined {
  try {
    const raw = sessionStorage.getItem(TOKEN_KEY);
    if (!raw) return undefined;
    const s = JSON.parse(raw) as SessionInfo;
    if (Date.parse(s.expiresAt) <= Date.now()) return undefined;
    return s;
  } catch {
    return undefined;
  }
}

export function baseClient(): StrataClient {
  return new StrataClient({ server: window.location.origin, userAgent: 'strata-console/0.1.0' });
}

/** Holds the signed-in session (a session API key from POST /v1/login, kept in sessionStorage). */
export function SessionProvider({ children, initial }: { children: ReactNode; initial?: SessionInfo }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<SessionInfo | undefined>(() => initial ?? readSession());
  const [endedReason, setEndedReason] = useState<string>();
  const [project, setProjectState] = useState<string>(() => localStorage.getItem(PROJECT_KEY) ?? 'default');
  const client = useMemo(() => baseClient().withApiKey(session?.token), [session?.token]);
  const watchHub = useMemo(() => new WatchHub(queryClient), [queryClient]);

  const whoami = useQuery({
    queryKey: ['whoami', session?.token ?? ''],
    enabled: session !== undefined,
    staleTime: 60_000,
    queryFn: async ({ signal }) => client.request<Permissions>({ method: 'GET', path: '/v1/whoami', signal }),
  });

  const signIn = useCallback(
    (s: SessionInfo) => {
      sessionStorage.setItem(TOKEN_KEY, JSON.stringify(s));
      setEndedReason(undefined);
      setSession(s);
    },
    [setSession],
  );
  const signOut = useCallback(
    (reason?: string) => {
      sessionStorage.removeItem(TOKEN_KEY);
      watchHub.closeAll();
      queryClient.clear();
      setEndedReason(reason);
      setSession(undefined);
    },
    [queryClient, watchHub],
  );
  const setProject = useCallback(
    (p: string) => {
      localStorage.setItem(PROJECT_KEY, p);
      watchHub.closeAll();
      setProjectState(p);
    },
    [watchHub],
  );
  const permissions = whoami.data;
  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      client,
      permissions,
      project,
      setProject,
      signIn,
      signOut,
      endedReason,
      watchHub,
      can: (kind, verb, scope = 'project') =>
        canDo(permissions, kind, verb, scope === 'project' ? project : undefined),
    }),
    [session, client, permissions, project, setProject, signIn, signOut, endedReason, watchHub],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The name of a session key inside its token (`stk.<tenant>.<name>.<secret>`), to delete it on sign-out. */
export function sessionKeyName(token: string): string | undefined {
  const parts = token.split('.');
  return parts.length >= 4 && parts[0] === 'stk' ? parts[2] : undefined;
}
