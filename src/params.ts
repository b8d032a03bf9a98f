// Values for an operation's path parameters: the target's own ids for the ones a check reads, and
// ids that name nothing for the ones a check expects to be refused.
import { randomBytes, randomUUID } from 'node:crypto';
import type { OpenAPIV3 } from 'openapi-types';
import { PINNED_IDS, type Settings, type TargetIds } from './config';
import { isUuid, pathParameters } from './contract';
import type { Operation } from './spec';

/** The id the settings (pinned or discovered) give a path parameter. */
export function knownValue(settings: Settings, name: string): string | undefined {
  const key = (PINNED_IDS as Record<string, readonly [keyof TargetIds, string]>)[name]?.[0];
  return key ? settings.ids[key] : settings.discovered?.ids[name];
}

/** Why no value is known for a parameter, for the skip that follows. */
export function missingReason(settings: Settings, names: string[]): string {
  return names
    .map((name) => {
      const gap = settings.discovered?.gaps[name];
      if (gap) return gap;
      const variable = (PINNED_IDS as Record<string, readonly [keyof TargetIds, string]>)[name]?.[1];
      return `no ${name} is known to read${variable ? `: set ${variable}` : ''}`;
    })
    .join('; ');
}

/** A parameter that picks from a documented set (e.g. model_type): its default, else its first value. */
export function enumValue(parameter: OpenAPIV3.ParameterObject): string | undefined {
  const schema = parameter.schema as OpenAPIV3.SchemaObject | undefined;
  const chosen = schema?.default ?? schema?.enum?.[0];
  return chosen === undefined ? undefined : String(chosen);
}

/** A value of the parameter's shape that no resource has. */
export function unknownValue(parameter: OpenAPIV3.ParameterObject): string {
  return isUuid(parameter) ? randomUUID() : `dkc-unknown-${randomBytes(6).toString('hex')}`;
}

export interface PathValues {
  values: Record<string, string>;
  /** Parameters the settings name no value for: a read of them cannot succeed. */
  missing: string[];
}

/**
 * Known values where the settings have them, `overrides` first; the rest name nothing (a check
 * that needs them real skips, naming `missing`). A write names no real resource but the knowledge
 * base it acts in (never the one it acts on): a server that ignored the credentials or the ids must
 * still change nothing of the team's. A parameter with documented values takes its default or first.
 */
export function pathValues(
  operation: Operation,
  settings: Settings,
  overrides: Record<string, string> = {},
): PathValues {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  const write = operation.method !== 'GET';
  const parameters = pathParameters(operation);
  // What a write acts on is named at the end of its path: `/datasets/{dataset_id}` changes the knowledge base itself.
  const target = /\{(\w+)\}$/.exec(operation.path)?.[1];
  for (const parameter of parameters) {
    const spared = write && (parameter.name !== 'dataset_id' || parameter.name === target);
    const known = enumValue(parameter) ?? (spared ? undefined : knownValue(settings, parameter.name));
    const value = overrides[parameter.name] ?? known;
    if (value === undefined) missing.push(parameter.name);
    values[parameter.name] = value ?? unknownValue(parameter);
  }
  return { values, missing };
}
