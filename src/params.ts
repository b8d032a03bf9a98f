// Values for an operation's path parameters: the target's own ids for the ones a check reads, and
// ids that name nothing for the ones a check expects to be refused.
import { randomBytes, randomUUID } from 'node:crypto';
import type { OpenAPIV3 } from 'openapi-types';
import type { Settings } from './config';
import { isUuid, pathParameters } from './contract';
import type { Operation } from './spec';

/** The ids the settings name, by the path parameter that takes them. */
export function knownValue(settings: Settings, name: string): string | undefined {
  const ids: Record<string, string | undefined> = {
    dataset_id: settings.ids.datasetId,
    document_id: settings.ids.documentId,
    batch: settings.ids.batch,
  };
  return ids[name];
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
 * base: a server that ignored the credentials or the ids must still change nothing of the team's.
 */
export function pathValues(
  operation: Operation,
  settings: Settings,
  overrides: Record<string, string> = {},
): PathValues {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  const write = operation.method !== 'GET';
  for (const parameter of pathParameters(operation)) {
    const known = write && parameter.name !== 'dataset_id' ? undefined : knownValue(settings, parameter.name);
    const value = overrides[parameter.name] ?? known;
    if (value === undefined) missing.push(parameter.name);
    values[parameter.name] = value ?? unknownValue(parameter);
  }
  return { values, missing };
}
