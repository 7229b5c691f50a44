export {};
export { testBackends, sqliteTestDatabase, postgresTestDatabase, type TestBackend, type TestDatabase } from '@strata/store';
