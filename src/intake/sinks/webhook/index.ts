export { WebhookSink, type WebhookSinkOptions, type WebhookAuth, type WebhookPosition } from './sink.ts';
export { WebhookRedirectError, WebhookRefusedError, WebhookUnavailableError } from './errors.ts';
export {
  webhookSinkConfigSchema,
  webhookSinkKind,
  type WebhookSinkConfig,
  type ResolvedWebhookSinkConfig,
} from './config.ts';
