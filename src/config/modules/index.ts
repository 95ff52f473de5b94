/**
 * The registry of every module smoothgate knows, in Apache's lookup order for duplicate names
 * (core first). A module's directives are valid only while it is loaded (LoadModule or compiled
 * in), exactly as in Apache.
 */
import type { ModuleDef } from '../module';
import { rewriteModule } from '../../rewrite';
import { coreModule } from './core';
import { httpCoreModule, logioModule, soModule, unixdModule, versionModule, watchdogModule } from './builtin';
import { mimeModule } from './mime';
import { aliasModule } from './alias';
import { dirModule } from './dir';
import { headersModule } from './headers';
import { envModule } from './env';
import { setenvifModule } from './setenvif';
import { authzCoreModule } from './authz-core';
import { accessCompatModule, authBasicModule, authnCoreModule, authnFileModule, authzGroupfileModule, authzHostModule, authzUserModule } from './auth';
import { proxyModule } from './proxy';
import { expiresModule } from './expires';
import { deflateModule, filterModule } from './filters';
import { logConfigModule } from './log-config';
import { NOT_EMULATED_MODULES } from './not-emulated';
import { remoteipModule } from './remoteip';

export const MODULES: ModuleDef[] = [
  coreModule,
  soModule,
  watchdogModule,
  httpCoreModule,
  logConfigModule,
  logioModule,
  versionModule,
  unixdModule,
  mimeModule,
  aliasModule,
  dirModule,
  rewriteModule,
  headersModule,
  envModule,
  setenvifModule,
  authzCoreModule,
  authnCoreModule,
  authBasicModule,
  authnFileModule,
  authzUserModule,
  authzHostModule,
  authzGroupfileModule,
  accessCompatModule,
  proxyModule,
  expiresModule,
  filterModule,
  deflateModule,
  remoteipModule,
  ...NOT_EMULATED_MODULES,
];
