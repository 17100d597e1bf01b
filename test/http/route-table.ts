/** The routes that may be reached without a token; anything else public is a mistake. */
export const PUBLIC_ROUTES: readonly RegExp[] = [
  /^\/health$/, /^\/ready$/, /^\/metrics$/,
  /^\/openapi\.json$/, /^\/docs(\/.*)?$/,
  // The auditor page shell: its data comes from the audit API with the auditor's token.
  /^\/audit(\/.*)?$/,
];

/** Documentation plumbing that is deliberately absent from the OpenAPI document. */
export const UNDOCUMENTED_ROUTES: readonly RegExp[] = [/^\/openapi\.json$/, /^\/docs(\/.*)?$/];

/** A concrete URL for a route pattern: `/v1/audit/decisions/:id` -> `/v1/audit/decisions/x1`. */
export function concreteUrl(pattern: string): string {
  return pattern.replace(/:[A-Za-z_]+/g, 'x1').replace(/\*$/, 'x1');
}
