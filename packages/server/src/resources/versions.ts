// Kept for cluster-controller.ts, which is being rewritten elsewhere: it should import compareVersions from
// @strata/api, and this file then goes.
export { compareVersions } from '@strata/api';
