import { testBackends } from '../test-databases.js';
import { concurrencySuite } from './resources-concurrency.suite.js';
import { crudSuite } from './resources-crud.suite.js';
import { isolationSuite } from './resources-isolation.suite.js';
import { watchSuite } from './resources-watch.suite.js';

// The same suite on every backend (like Kysely runs every test against every dialect).
for (const backend of await testBackends()) {
  crudSuite(backend);
  isolationSuite(backend);
  watchSuite(backend);
  concurrencySuite(backend);
}
