export * from '../../src/mp4';
export { isSgError, SgError } from '../../src/errors';
