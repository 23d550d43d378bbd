// @das/alerts-delivery: alerts to webhooks, signed, retried and persisted through a store port.
export { createDeliveryLoop, type DeliveryLoop, type DeliveryLoopOptions, type WebhookEndpoint } from './delivery-loop.js';
export type { AttemptResult, Delivery, DeliveryStatus, DeliveryStore, NewDelivery } from './delivery-store.js';
export { createMemoryDeliveryStore } from './memory-delivery-store.js';
export { retryDelayMs, type BackoffOptions } from './retry-backoff.js';
export { sendWebhook, type WebhookRequest, type WebhookResponse } from './send-webhook.js';
export { buildWebhookBody, type WebhookAlert, type WebhookFormat } from './webhook-payload.js';
export {
  ATTEMPT_HEADER,
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  verifySignature,
  type SignatureRefusal,
  type VerifySignatureInput,
} from './webhook-signature.js';
