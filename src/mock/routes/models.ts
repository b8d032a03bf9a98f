// Models: the workspace's available models by type, grouped by provider.
import type { Hono } from 'hono';
import { bearerAuth } from '../auth';
import type { Env, MockContext } from '../context';
import type { Deviation } from '../deviations';

export const modelDeviations = {
  'model-type-legacy-name': {
    description: "Get Available Models names the embedding type 'embeddings', the old internal name",
    fails: ['getAvailableModels/response/schema'],
  },
  'model-provider-without-status': {
    description: 'Get Available Models leaves status out of its providers',
    fails: ['getAvailableModels/response/fields'],
  },
} satisfies Record<string, Deviation>;

/** The model types the contract documents; another value matches no route, as Dify routes only these. */
const MODEL_TYPES = ['text-embedding', 'rerank', 'llm', 'tts', 'speech2text', 'moderation'];

const text = (value: string) => ({ en_US: value, zh_Hans: value });

/** The workspace's providers and, per type, the names of their models. */
const PROVIDERS: { provider: string; label: string; models: Record<string, string[]> }[] = [
  {
    provider: 'langgenius/openai/openai',
    label: 'OpenAI',
    models: {
      'text-embedding': ['text-embedding-3-small', 'text-embedding-3-large'],
      llm: ['gpt-4o-mini'],
      moderation: ['omni-moderation-latest'],
    },
  },
  {
    provider: 'langgenius/cohere/cohere',
    label: 'Cohere',
    models: { 'text-embedding': ['embed-multilingual-v3.0'], rerank: ['rerank-multilingual-v3.0'] },
  },
  { provider: 'langgenius/jina/jina', label: 'Jina', models: { rerank: ['jina-reranker-v2-base-multilingual'] } },
];

export function modelRoutes(app: Hono<Env>, mock: MockContext): void {
  const { on } = mock;

  app.get(`/v1/workspaces/current/models/model-types/:model_type{${MODEL_TYPES.join('|')}}`, bearerAuth(mock), (c) => {
    const type = c.req.param('model_type');
    const served = type === 'text-embedding' && on('model-type-legacy-name') ? 'embeddings' : type;
    const data = PROVIDERS.filter((p) => p.models[type]).map((p) => {
      const provider: Record<string, unknown> = {
        tenant_id: c.get('tenantId'),
        provider: p.provider,
        label: text(p.label),
        icon_small: text(`https://example.com/${p.label.toLowerCase()}-small.svg`),
        icon_small_dark: null,
        status: 'active',
        models: (p.models[type] ?? []).map((model) => ({
          model,
          label: text(model),
          model_type: served,
          features: null,
          fetch_from: 'predefined-model',
          model_properties: type === 'text-embedding' ? { context_size: 8191 } : {},
          deprecated: false,
          status: 'active',
          load_balancing_enabled: false,
          has_invalid_load_balancing_configs: false,
        })),
      };
      if (on('model-provider-without-status')) delete provider.status;
      return provider;
    });
    return c.json({ data });
  });
}
