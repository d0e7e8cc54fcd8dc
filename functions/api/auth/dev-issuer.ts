/**
 * The local development issuer's `iss` and `aud`. Defined with the configuration (which
 * defaults to them outside AWS and refuses them when deployed) and re-exported here for the
 * auth code, scripts and tests.
 */
export { DEV_AUDIENCE, DEV_ISSUER } from '../../shared/config.js';
