/**
 * The property each property-targeted zoo server is meant to be caught by (issue: "each is found by the
 * intended property within the default runs and shrinks small"). The matrix runs these properties, at
 * the default run count, on top of the deterministic catalogue.
 */
export const INTENDED_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'single-recv': ['metamorphic.prop.split-invariance'],
  'split-differs': ['metamorphic.prop.split-invariance'],
  'recv-until-short': ['metamorphic.prop.split-invariance'],
  'truncate-1k': ['store.prop.large-payloads'],
  'patch-replaces': ['store.prop.model'],
  'delete-keeps': ['store.prop.model'],
  'rejected-post-stores': ['store.prop.model'],
  'head-cl-zero': ['metamorphic.prop.head-is-get-without-body'],
  'lost-update': ['store.prop.concurrent-writers'],
  'single-thread-blocking': ['robustness.prop.idle-connections-do-not-block'],
  'closes-unannounced': ['metamorphic.prop.keep-alive-equivalence'],
  'no-505': ['status.prop.malformed-rejected'],
  'missing-is-200': ['status.prop.valid-served'],
};
