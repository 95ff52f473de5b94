/**
 * The configuration tree the reader builds (Apache's ap_directive_t): one node per directive, with
 * children for sections. Read-time directives (Include, <IfModule> …) have already been executed:
 * their effect is spliced in, as ap_build_config does.
 */
import type { SourceLocation } from '../errors';

export interface ConfigNode {
  /** The directive name as written ('Header', '<Directory'); a section keeps its '<'. */
  readonly name: string;
  /** Argument text after `${VAR}` expansion (for a section: up to and including the '>'). */
  readonly args: string;
  /** The whole logical line after expansion, for error reports. */
  readonly text: string;
  readonly where: SourceLocation;
  /** Section contents; null for a plain directive. */
  readonly children: ConfigNode[] | null;
}
