// The generic templates, by the name catalog rows and families give in `template`.
import type { Template } from '../checks';
import { AUTH_TEMPLATES } from './auth';
import { ERROR_TEMPLATES } from './errors';
import { READ_TEMPLATES } from './reads';
import { RESPONSE_TEMPLATES } from './response';

export const GENERIC_TEMPLATES: Record<string, Template> = {
  ...RESPONSE_TEMPLATES,
  ...AUTH_TEMPLATES,
  ...ERROR_TEMPLATES,
  ...READ_TEMPLATES,
};
