import { stringify } from 'yaml';

/** A whole resource as a fix to apply, with an optional comment line above it; never wrapped. */
export function documentYaml(object: unknown, comment?: string): string {
  return `${comment ? `# ${comment}\n` : ''}${stringify(object, { lineWidth: 0 }).trimEnd()}`;
}
