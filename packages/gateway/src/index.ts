export { createGateway, type Gateway, type GatewayConfigUpdate, type GatewayOptions } from './gateway.js';
export { allowToPolicyDocument } from './authorize/policy-state.js';
export type { ExplainQuery, Explanation, ExplainedCheck, ExplainedStatement } from './authorize/explain.js';
export type { AccessLogEntry } from './node/access-log.js';
export { clientErrorResponse } from './node/client-error.js';
export { createGatewayServer, type GatewayServer, type GatewayServerOptions } from './node/gateway-server.js';
export { toNodeListener, type NodeListener, type NodeListenerOptions } from './node/listener.js';
export { forwardedClient, trustProxy, type ForwardedClient, type ProxyTrust } from './node/forwarded.js';
export { GATEWAY_NODE_FLAGS, GATEWAY_PROCESS_ENV, nodeFlagsMissing, processSettingsMissing } from './node/process-settings.js';
export { createS3Upstream, RGW_16_UNSUPPORTED, type S3Upstream, type S3UpstreamOptions, type UpstreamCredentials, type UpstreamProfile } from './upstreams/s3-upstream.js';
export type { AllowRule, CorsRule, GatewayRequest, GatewayResponse, Identity, RequestInfo } from './pipeline/types.js';
export { createLocalStore, type LocalStore, type LocalStoreOptions } from './store/local-store.js';
export type { SweepSummary } from './store/sweep.js';
export type { LifecycleOptions, LifecycleSummary } from './store/lifecycle-sweeper.js';
export type { EventBusOptions, StoreEventName } from './store/events.js';
export type { NotificationOptions, WebhookStats, WebhookTarget } from './store/webhooks.js';
export type { S3EventRecord } from './store/event-records.js';
export { NO_CAPABILITIES, type Upstream, type UpstreamBody, type UpstreamCapabilities, type UpstreamRequest, type UpstreamResponse, type UpstreamResponseBody } from './upstreams/upstream.js';
export { mapBuckets, type BucketMapping } from './upstreams/bucket-mapping.js';
export {
  parsePolicy,
  MAX_POLICY_BYTES,
  evaluate,
  explain,
  principalMatches,
  PolicyValidationError,
  type ConditionClause,
  type Decision,
  type EvaluateInput,
  type ParsePolicyOptions,
  type EvaluateResult,
  type ExplainResult,
  type Policy,
  type PolicyKind,
  type PolicyPrincipal,
  type PolicyRequest,
  type PrincipalSpec,
  type Statement as PolicyStatement,
  type StatementRef,
  type StatementTrace,
} from './policy/index.js';
