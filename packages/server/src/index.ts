export { buildApp, type App, type AppOptions, type RouteInfo } from './app.js';
export { runServer } from './main.js';
export { bootstrap, DEFAULT_TENANT, ADMIN_USER } from './auth/bootstrap.js';
export { openCipher } from './secrets.js';
