// The official Stripe client, pointed where STRIPE_API_BASE says (stripe-mock, or the
// stand-in server of the tests) or at Stripe itself. Signatures are checked with the
// package's own webhooks.constructEvent: never by hand.
import Stripe from 'stripe'
import type { BillingSettings } from '../../config.ts'

export type StripeSettings = NonNullable<BillingSettings['stripe']>

/** Stripe's own recommendation for webhook timestamps, and the issue's: five minutes. */
export const WEBHOOK_TOLERANCE_SECONDS = 300

export function createStripeClient (settings: StripeSettings): Stripe {
  const base = settings.apiBase === undefined ? undefined : new URL(settings.apiBase)
  return new Stripe(settings.secretKey, {
    // No latency reports to Stripe from a self-hosted server.
    telemetry: false,
    maxNetworkRetries: 1,
    timeout: 20_000,
    ...(base !== undefined && {
      protocol: base.protocol === 'http:' ? 'http' : 'https',
      host: base.hostname,
      port: base.port === '' ? (base.protocol === 'http:' ? 80 : 443) : Number(base.port),
    }),
  })
}

/**
 * The event in `payload` (the body exactly as received) if `signature` is Stripe's for it
 * under `secret` and no older than the tolerance at `receivedAt`; throws
 * Stripe.errors.StripeSignatureVerificationError otherwise.
 */
export function verifiedEvent (payload: string, signature: string, secret: string, receivedAt: Date): Stripe.Event {
  // receivedAt in milliseconds (the package divides by 1000 itself).
  return Stripe.webhooks.constructEvent(payload, signature, secret, WEBHOOK_TOLERANCE_SECONDS, undefined, receivedAt.getTime())
}

export function isSignatureError (error: unknown): boolean {
  return error instanceof Stripe.errors.StripeSignatureVerificationError
}
