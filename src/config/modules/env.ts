/**
 * mod_env (httpd modules/metadata/mod_env.c): SetEnv/UnsetEnv/PassEnv. Within one scope UnsetEnv
 * removes earlier SetEnv values and is queued for the merge; the merge copies the parent's values,
 * removes the child's UnsetEnv names, then sets the child's values (merge_env_dir_configs).
 * PassEnv copies the variable from the environment at load time.
 */
import type { DirectiveDef, ModuleDef } from '../module';
import type { EnvDirConf } from '../records';
import { directive, orClass } from './define';

type EnvDirective = DirectiveDef<unknown, EnvDirConf>;
type Entry = readonly [string, string | null];

function setVar(dir: EnvDirConf, name: string, value: string | null): void {
  // Earlier values of the name go; a queued UnsetEnv of it stays (the merge unsets, then sets).
  const kept = dir.vars.filter(([n, v]) => n !== name || v === null);
  dir.vars = [...kept, [name, value] as Entry];
}

const DIRECTIVES: EnvDirective[] = [
  directive('PassEnv', orClass('FileInfo'), 'iterate', 'a list of environment variables to pass to CGI.', (p, dir, _s, [name]) => {
    const value = p.getEnv?.(name as string);
    if (value === undefined) p.warn(`PassEnv variable ${name} was undefined`);
    else setVar(dir, name as string, value);
  }),
  directive('SetEnv', orClass('FileInfo'), 'take12', 'an environment variable name and optional value to pass to CGI.', (p, dir, _s, [name, value]) => {
    if ((name as string).includes('=')) {
      const [env, rest] = (name as string).split('=', 2);
      p.warn(`Spurious usage of '=' in an environment variable name. 'SetEnv ${env} ${rest}' expected instead?`);
    }
    setVar(dir, name as string, value ?? '');
  }),
  directive('UnsetEnv', orClass('FileInfo'), 'iterate', 'a list of variables to remove from the CGI environment.', (_p, dir, _s, [name]) => {
    dir.vars = [...dir.vars.filter(([n]) => n !== name), [name as string, null] as Entry];
  }),
];

export function mergeEnvDirConf(base: EnvDirConf, add: EnvDirConf): EnvDirConf {
  const table = new Map<string, string>();
  for (const [name, value] of base.vars) if (value !== null) table.set(name, value);
  for (const [name, value] of add.vars) if (value === null) table.delete(name);
  for (const [name, value] of add.vars) if (value !== null) table.set(name, value);
  return { vars: [...table.entries()] };
}

export const envModule: ModuleDef<unknown, EnvDirConf> = {
  id: 'env_module',
  sourceName: 'mod_env.c',
  createDirConfig: () => ({ vars: [] }),
  mergeDirConfig: mergeEnvDirConf,
  directives: DIRECTIVES,
};
