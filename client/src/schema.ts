// Generated from openapi.yaml by `npm run client:generate` (openapi-typescript). Do not edit by hand.

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description Answers while the process serves HTTP; it does not look at MongoDB (see `/readyz`).
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness (MongoDB reachable)
         * @description Each probe pings MongoDB. In production it is served only on `METRICS_PORT`, like `/metrics`.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description The Prometheus text exposition format, for a scraper; no key. In production it is served only on
         *     `METRICS_PORT` (default 9464), never on the public port, which answers 404 here (docs/security.md).
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/stripe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stripe's events (signature-checked)
         * @description Verifies `Stripe-Signature` over the raw body against every configured signing secret, then applies the
         *     event exactly once (effects are keyed by the business object, not only by event id). Any non-2xx answer
         *     makes Stripe retry; nothing is half-applied.
         */
        post: operations["receiveStripeEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The Stripe customer linked to an app user id */
        get: operations["findCustomerByExternalId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/customers/{customer}/balance": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
            };
            cookie?: never;
        };
        /** Balance, live buckets in spending order, subscription and the next grant */
        get: operations["getBalance"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/customers/{customer}/debits": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Spend credits, all or nothing, exactly once per idempotency key */
        post: operations["createDebit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/customers/{customer}/holds": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reserve credits for a job whose cost is known at its end, exactly once per idempotency key
         * @description The credits are chosen in spending order and reserved in their buckets: `available` drops, `balance` does
         *     not, and no debit or other hold can spend them. The hold ends once: captured, released, or expired at
         *     `expiresAt` (it then counts as released for every read after that instant). A bucket that expires while
         *     a hold reserves credits in it keeps those credits for the capture; what is released after that is forfeited.
         */
        post: operations["createHold"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/customers/{customer}/holds/{hold}/capture": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
                /** @description The hold's `id`, as its creation answered it. */
                hold: components["parameters"]["Hold"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Turn up to the held amount into a debit and release the rest, once
         * @description The captured amount (default: all of it) is taken from the hold's own reservations, in spending order, as a
         *     `debit` entry; the rest returns to the available balance. Capturing again answers the first capture again.
         */
        post: operations["captureHold"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/customers/{customer}/holds/{hold}/release": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
                /** @description The hold's `id`, as its creation answered it. */
                hold: components["parameters"]["Hold"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Return the whole hold; idempotent
         * @description Releasing a hold that was released or has expired answers how it ended (`released` or `expired`).
         */
        post: operations["releaseHold"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/customers/{customer}/ledger": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
            };
            cookie?: never;
        };
        /** The account's ledger, newest first, amounts signed */
        get: operations["getLedger"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/checkout/subscription": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A Stripe Checkout Session in subscription mode for a catalog plan price */
        post: operations["startSubscriptionCheckout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/customers/{customer}/checkout/topup": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A Stripe customer id; it is checked before Stripe is asked. */
                customer: components["parameters"]["StripeCustomer"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A Stripe Checkout Session in payment mode for a catalog top-up
         * @description The customer needs no credits account yet; the webhook opens it when the session is paid.
         */
        post: operations["startTopupCheckout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/customers/{customer}/portal": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A Stripe customer id; it is checked before Stripe is asked. */
                customer: components["parameters"]["StripeCustomer"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A Stripe customer-portal session (upgrade, downgrade, cancel) */
        post: operations["openCustomerPortal"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/customers/{customer}/billing-sessions": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A link to the customer's billing page, for the app to hand to the customer's browser
         * @description The link is the browser's only credential (SPEC §8): unguessable, bound to this customer and to
         *     `expiresAt`. Only its SHA-256 is stored. Hand `url` to the customer's browser (a redirect or a link);
         *     never put an API key in a browser.
         */
        post: operations["createBillingSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The token of a link minted by `POST /v1/customers/{customer}/billing-sessions`; anything else answers 401. */
                token: components["parameters"]["BillingLinkToken"];
            };
            cookie?: never;
        };
        /**
         * The customer's billing page (HTML)
         * @description Credits available, this month's plan credits and their reset, top-ups apart, the plan with its term,
         *     status and renewal, the ways out when running low, Buy credits and Manage subscription forms, and the
         *     last 20 ledger entries in words. Works without JavaScript. Sent with a strict Content-Security-Policy,
         *     `Referrer-Policy: no-referrer`, `Cache-Control: no-store` and `frame-ancestors` from
         *     `BILLING_FRAME_ANCESTORS`. `paid=<checkout session id>` (Stripe's success URL) shows whether that
         *     payment's credits have arrived; `canceled=1` says Checkout was canceled.
         */
        get: operations["showBillingPage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/{token}/activity": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The token of a link minted by `POST /v1/customers/{customer}/billing-sessions`; anything else answers 401. */
                token: components["parameters"]["BillingLinkToken"];
            };
            cookie?: never;
        };
        /** All of the customer's activity, 50 entries a page, newest first (HTML) */
        get: operations["showBillingActivity"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/{token}/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The token of a link minted by `POST /v1/customers/{customer}/billing-sessions`; anything else answers 401. */
                token: components["parameters"]["BillingLinkToken"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The page's Buy credits form → 303 to Stripe Checkout
         * @description A Checkout Session in payment mode for the link's customer (never another), whose success URL brings
         *     the customer back to the page with `paid={CHECKOUT_SESSION_ID}` and whose cancel URL with `canceled=1`.
         */
        post: operations["buyCreditsFromBillingPage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/{token}/portal": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The token of a link minted by `POST /v1/customers/{customer}/billing-sessions`; anything else answers 401. */
                token: components["parameters"]["BillingLinkToken"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The page's Manage subscription form → 303 to the Stripe customer portal, returning to the page */
        post: operations["manageSubscriptionFromBillingPage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/customers/{customer}/adjustments": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A manual grant (positive) or deduction (negative), exactly once per idempotency key
         * @description A positive amount grants a bucket of source `adjustment` (expiring at `expiresAt`, or never) and may
         *     open the account of a `cus_…` id that has none. A negative amount takes credits in spending order and
         *     never below zero (402).
         */
        post: operations["adjustCredits"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/run-due": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Issue and expire everything due (what the scheduler runs) */
        post: operations["runDue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/clock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The service's time (only with TEST_CLOCK=1) */
        get: operations["getClock"];
        /** Set the service's time (only with TEST_CLOCK=1); it stands still there until set again */
        put: operations["setClock"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    signal: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A signal this service sends to your app (APP_WEBHOOK_URL)
         * @description Sent when credits are granted or expire, when the available balance crosses below the catalog's `lowBalance`
         *     threshold or reaches 0, and when the subscription changes. At least once (deduplicate by `id`), in order per
         *     customer, retried with exponential backoff for 3 days until your endpoint answers 2xx. Verify
         *     `X-Credits-Signature` with `verifySignal` from the client package (the same scheme as Stripe's webhooks).
         */
        post: operations["receiveSignal"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        /** @description Ids and keys are strings of 1–255 characters. */
        Id: string;
        StripeCustomerId: string;
        /**
         * Format: date-time
         * @description An ISO 8601 instant, e.g. `2026-03-10T12:00:00.000Z`.
         */
        Instant: string;
        /** @description A whole number of credits, at least 0. */
        Credits: number;
        /** @description A page hosted by Stripe (Checkout or the customer portal), as Stripe returned it; redirect the user there. */
        StripeHostedUrl: string;
        /** @description A whole HTML document. */
        HtmlPage: string;
        BillingSessionRequest: {
            /**
             * @description Where the page's "Back" link leads: your app, an origin listed in `ALLOWED_RETURN_ORIGINS` (any localhost
             *     origin in development when it is unset), https in production, without a user-info part. Without it the page
             *     has no back link.
             */
            returnUrl?: string;
            /**
             * @description How long the link works, from 60 seconds to 24 hours.
             * @default 3600
             */
            ttlSeconds?: number;
        };
        PageForm: {
            /** @description The token the rendered page put in its forms; it is never in the URL. */
            formToken: string;
        };
        BuyCreditsForm: {
            formToken: string;
            /** @description A catalog top-up price. */
            price: string;
            /** @description Packs to buy, 1–1000, as the form's number field sends it. */
            quantity: string;
        };
        /**
         * @description An absolute http(s) URL of one of your app's origins (`ALLOWED_RETURN_ORIGINS`; any localhost origin in
         *     development when it is unset), https in production, without a user-info part (`user@`); anything else is 400
         *     naming the field. Stripe's `{CHECKOUT_SESSION_ID}` placeholder is allowed.
         */
        RedirectUrl: string;
        Balance: {
            customer: string;
            /** @description Every credit the customer owns now, held ones included (`available + held`). */
            balance: components["schemas"]["Credits"];
            /** @description What a debit or a new hold can take now. */
            available: components["schemas"]["Credits"];
            /** @description Credits reserved by holds still held. */
            held: components["schemas"]["Credits"];
            /** @description Live buckets in spending order (soonest expiry first, never-expiring last, then oldest grant); `remaining` includes held credits. A bucket that expired while a hold reserved credits in it is shown, holding only those, until the hold ends. */
            buckets: components["schemas"]["Bucket"][];
            subscription: components["schemas"]["Subscription"] | null;
            /** @description The next slot of the current term, else the renewal while the subscription renews; else null. */
            nextGrant: {
                at: components["schemas"]["Instant"];
                credits: components["schemas"]["Credits"];
            } | null;
        };
        Bucket: {
            id: string;
            /** @enum {string} */
            source: "subscription" | "topup" | "adjustment";
            granted: components["schemas"]["Credits"];
            remaining: components["schemas"]["Credits"];
            grantedAt: components["schemas"]["Instant"];
            /**
             * Format: date-time
             * @description null = never expires.
             */
            expiresAt: string | null;
        };
        Subscription: {
            id: string;
            /** @description The catalog plan id; null when the subscription's price is not in the catalog. */
            plan: string | null;
            price: string | null;
            /** @description Months per billing cycle (1 monthly, 3 quarterly, 12 annual). */
            months: number | null;
            /**
             * @description Stripe's subscription status.
             * @enum {string}
             */
            status: "incomplete" | "incomplete_expired" | "trialing" | "active" | "past_due" | "canceled" | "unpaid" | "paused";
            /** Format: date-time */
            termStart: string | null;
            /** Format: date-time */
            termEnd: string | null;
            cancelAtPeriodEnd: boolean;
        };
        LedgerEntry: {
            id: string;
            /**
             * @description `hold` (a reservation) and `release` (its return, or its expiry) move no credits: their amount is 0. A hold's capture is a `debit` whose `ref` is the hold id; credits released from a bucket that expired meanwhile are forfeited by an `expire` entry.
             * @enum {string}
             */
            type: "grant" | "raise" | "debit" | "expire" | "revoke" | "restore" | "adjust" | "hold" | "release";
            /** @description Signed: grants, raises, restorations and positive adjustments add; debits, expiries, revocations and negative adjustments take; holds and releases are 0. */
            amount: number;
            balanceAfter: components["schemas"]["Credits"];
            at: components["schemas"]["Instant"];
            /** @description The bucket the entry changed; null when it spans several. */
            bucket: string | null;
            /** @description The business object behind the entry (invoice, slot, checkout session, debit key…). */
            ref: string;
        };
        DebitRequest: {
            amount: number;
            idempotencyKey: components["schemas"]["Id"];
            reason?: string;
            metadata?: {
                [key: string]: string;
            };
        };
        DebitReceipt: {
            debit: components["schemas"]["Debit"];
            /** @description The balance right after the debit. */
            balance: components["schemas"]["Credits"];
        };
        Debit: {
            id: string;
            amount: number;
            createdAt: components["schemas"]["Instant"];
            /** @description Where the credits came from, in spending order. */
            allocations: {
                bucket: string;
                amount: number;
            }[];
        };
        HoldRequest: {
            amount: number;
            idempotencyKey: components["schemas"]["Id"];
            /** @description How long the hold lasts; default 900 (15 minutes), at most 86400 (24 hours). */
            ttlSeconds?: number;
            metadata?: {
                [key: string]: string;
            };
        };
        Hold: {
            id: string;
            /** @description The credits held. */
            amount: number;
            expiresAt: components["schemas"]["Instant"];
            /** @enum {string} */
            status: "held" | "captured" | "released" | "expired";
        };
        HoldReceipt: {
            hold: components["schemas"]["Hold"];
            /** @description The balance right after the hold was placed, or once it was released. */
            balance: components["schemas"]["Credits"];
        };
        CaptureRequest: {
            /** @description At most the held amount; omitted = all of it. */
            amount?: number;
        };
        CaptureReceipt: {
            hold: components["schemas"]["Hold"] & {
                /** @constant */
                status?: "captured";
            };
            debit: components["schemas"]["Debit"];
            /** @description The balance once the capture is done. */
            balance: components["schemas"]["Credits"];
        };
        /** @description One signal; `data` always carries the balance after the change (`balance`, `available`, `held`). */
        Signal: components["schemas"]["CreditsGrantedSignal"] | components["schemas"]["CreditsLowSignal"] | components["schemas"]["CreditsExhaustedSignal"] | components["schemas"]["CreditsExpiredSignal"] | components["schemas"]["SubscriptionChangedSignal"];
        /** @description Unique, and the same on every delivery of the signal (deduplicate by it); `<customer>:signal:<n>`. */
        SignalId: string;
        CreditsGrantedSignal: {
            id: components["schemas"]["SignalId"];
            /** @constant */
            type: "credits.granted";
            createdAt: components["schemas"]["Instant"];
            customer: string;
            data: {
                amount: number;
                /**
                 * @description What granted them (a month's slot, a top-up, an adjustment, a plan upgrade's raise, a won dispute's restoration).
                 * @enum {string}
                 */
                source: "subscription" | "topup" | "adjustment" | "raise" | "restore";
                bucket: string | null;
                /** @description The ledger entry's id. */
                entry: string;
                /** Format: date-time */
                expiresAt: string | null;
                balance: components["schemas"]["Credits"];
                available: components["schemas"]["Credits"];
                held: components["schemas"]["Credits"];
            };
        };
        CreditsLowSignal: {
            id: components["schemas"]["SignalId"];
            /** @constant */
            type: "credits.low";
            createdAt: components["schemas"]["Instant"];
            customer: string;
            data: {
                /** @description The catalog's `lowBalance` in credits; `available` went from at least this to below it. */
                threshold: components["schemas"]["Credits"];
                balance: components["schemas"]["Credits"];
                available: components["schemas"]["Credits"];
                held: components["schemas"]["Credits"];
            };
        };
        CreditsExhaustedSignal: {
            id: components["schemas"]["SignalId"];
            /** @constant */
            type: "credits.exhausted";
            createdAt: components["schemas"]["Instant"];
            customer: string;
            data: {
                balance: components["schemas"]["Credits"];
                /** @constant */
                available: 0;
                held: components["schemas"]["Credits"];
            };
        };
        CreditsExpiredSignal: {
            id: components["schemas"]["SignalId"];
            /** @constant */
            type: "credits.expired";
            createdAt: components["schemas"]["Instant"];
            customer: string;
            data: {
                /** @description Credits forfeited. */
                amount: number;
                bucket: string | null;
                entry: string;
                balance: components["schemas"]["Credits"];
                available: components["schemas"]["Credits"];
                held: components["schemas"]["Credits"];
            };
        };
        SubscriptionChangedSignal: {
            id: components["schemas"]["SignalId"];
            /** @constant */
            type: "subscription.changed";
            createdAt: components["schemas"]["Instant"];
            customer: string;
            data: {
                subscription: components["schemas"]["Subscription"];
                previous: components["schemas"]["Subscription"] | null;
                balance: components["schemas"]["Credits"];
                available: components["schemas"]["Credits"];
                held: components["schemas"]["Credits"];
            };
        };
        AdjustmentRequest: {
            /** @description A non-zero integer; positive grants, negative takes. */
            amount: number;
            reason: string;
            idempotencyKey: components["schemas"]["Id"];
            /** @description Positive amounts only, in the future; omitted = never expires. */
            expiresAt?: components["schemas"]["Instant"];
        };
        AdjustmentReceipt: {
            entry: components["schemas"]["LedgerEntry"] & {
                /** @constant */
                type?: "adjust";
            };
            /** @description The balance right after the adjustment. */
            balance: components["schemas"]["Credits"];
        };
        SubscriptionCheckoutRequest: {
            /** @description A plan price of the catalog. */
            price: components["schemas"]["Id"];
            successUrl: components["schemas"]["RedirectUrl"];
            cancelUrl: components["schemas"]["RedirectUrl"];
            /** @description An existing Stripe customer; give either this or `email`, not both. */
            customer?: components["schemas"]["StripeCustomerId"];
            /** Format: email */
            email?: string;
            /** @description Your user id, linked to the customer when the subscription is paid. */
            externalId?: components["schemas"]["Id"];
        };
        TopupCheckoutRequest: {
            /** @description A top-up price of the catalog. */
            price: components["schemas"]["Id"];
            /** @default 1 */
            quantity?: number;
            successUrl: components["schemas"]["RedirectUrl"];
            cancelUrl: components["schemas"]["RedirectUrl"];
        };
        CheckoutSession: {
            /** @description Stripe's Checkout Session id. */
            id: string;
            url: components["schemas"]["StripeHostedUrl"];
        };
        Clock: {
            now: components["schemas"]["Instant"];
        };
        /**
         * @description Every `error.type` the API answers.
         * @enum {string}
         */
        ErrorType: "invalid_request" | "invalid_signature" | "invalid_event" | "unauthorized" | "forbidden" | "insufficient_credits" | "customer_not_found" | "not_found" | "clock_disabled" | "idempotency_key_reused" | "payload_too_large" | "unsupported_media_type" | "internal_error" | "stripe_error" | "concurrent_update" | "ledger_conflict" | "unavailable" | "stripe_not_configured" | "hold_not_found" | "hold_expired" | "hold_captured" | "hold_released";
        /** @description The shape of every error; the schemas below narrow `type` and the extra fields per status. */
        Error: {
            error: {
                type: components["schemas"]["ErrorType"];
                message: string;
            };
        };
        InvalidRequestError: {
            error: {
                /** @constant */
                type: "invalid_request";
                message: string;
                /** @description The bad input, by its path (`amount`, `metadata.job`, `asOf`); absent for a body that is not JSON. */
                field?: string;
                /** @description When Stripe refused the request, Stripe's own parameter name. */
                param?: string;
            };
        };
        InvalidSignatureError: {
            error: {
                /** @constant */
                type: "invalid_signature";
                message: string;
            };
        };
        InvalidEventError: {
            error: {
                /** @constant */
                type: "invalid_event";
                message: string;
                /** @description What is wrong with the body, e.g. `event.id: must be an id string`. */
                reason: string;
            };
        };
        UnauthorizedError: {
            error: {
                /** @constant */
                type: "unauthorized";
                message: string;
            };
        };
        ForbiddenError: {
            error: {
                /** @constant */
                type: "forbidden";
                message: string;
            };
        };
        InsufficientCreditsError: {
            error: {
                /** @constant */
                type: "insufficient_credits";
                message: string;
                /** @description What could have been spent. */
                balance: components["schemas"]["Credits"];
                requested: number;
            };
        };
        CustomerNotFoundError: {
            error: {
                /** @constant */
                type: "customer_not_found";
                message: string;
                /**
                 * @description Present when Stripe does not know the customer (checkout, portal).
                 * @constant
                 */
                field?: "customer";
            };
        };
        ClockDisabledError: {
            error: {
                /** @constant */
                type: "clock_disabled";
                message: string;
            };
        };
        IdempotencyKeyReusedError: {
            error: {
                /** @constant */
                type: "idempotency_key_reused";
                message: string;
            };
        };
        PayloadTooLargeError: {
            error: {
                /** @constant */
                type: "payload_too_large";
                message: string;
            };
        };
        UnsupportedMediaTypeError: {
            error: {
                /** @constant */
                type: "unsupported_media_type";
                message: string;
            };
        };
        InternalErrorError: {
            error: {
                /** @constant */
                type: "internal_error";
                message: string;
            };
        };
        ConcurrentUpdateError: {
            error: {
                /** @constant */
                type: "concurrent_update";
                message: string;
            };
        };
        UnavailableError: {
            error: {
                /** @constant */
                type: "unavailable";
                message: string;
            };
        };
        LedgerConflictError: {
            error: {
                /** @constant */
                type: "ledger_conflict";
                message: string;
            };
        };
        StripeErrorError: {
            error: {
                /** @constant */
                type: "stripe_error";
                message: string;
                /** @description The Stripe SDK's error class, e.g. `StripeAPIError`, `StripeConnectionError`; absent when Stripe answered but the answer was unusable. */
                stripeError?: string;
                /** @description Stripe's request id, for Stripe support. */
                requestId?: string;
            };
        };
        StripeNotConfiguredError: {
            error: {
                /** @constant */
                type: "stripe_not_configured";
                message: string;
            };
        };
        HoldNotFoundError: {
            error: {
                /** @constant */
                type: "hold_not_found";
                message: string;
            };
        };
        HoldExpiredError: {
            error: {
                /** @constant */
                type: "hold_expired";
                message: string;
            };
        };
        HoldCapturedError: {
            error: {
                /** @constant */
                type: "hold_captured";
                message: string;
            };
        };
        HoldReleasedError: {
            error: {
                /** @constant */
                type: "hold_released";
                message: string;
            };
        };
    };
    responses: {
        /** @description A bad input, named in `field` (`invalid_request`); also a body that is not JSON. */
        InvalidRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["InvalidRequestError"];
            };
        };
        /**
         * @description Missing or wrong `Stripe-Signature` (`invalid_signature`), or a signed body that cannot be recorded as an
         *     event (`invalid_event`: not JSON, nested deeper than 64 levels, or without a string `id` and `type`);
         *     nothing was stored. A signed event with a usable id and type that is otherwise malformed is not refused:
         *     it answers 200 `parked` with the reason stored.
         */
        InvalidWebhook: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["InvalidSignatureError"] | components["schemas"]["InvalidEventError"];
            };
        };
        /** @description Missing or unknown key (`unauthorized`). */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["UnauthorizedError"];
            };
        };
        /** @description An app key on an admin route (`forbidden`). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ForbiddenError"];
            };
        };
        /** @description The balance cannot cover the amount (`insufficient_credits`); nothing was taken. */
        InsufficientCredits: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["InsufficientCreditsError"];
            };
        };
        /** @description No credits account (or, for checkout and portal, no Stripe customer) by that id (`customer_not_found`). */
        CustomerNotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["CustomerNotFoundError"];
            };
        };
        /** @description The admin clock is off (`clock_disabled`); it needs TEST_CLOCK=1. */
        ClockDisabled: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ClockDisabledError"];
            };
        };
        /** @description The key was already used for a different request (`idempotency_key_reused`); nothing changed. */
        IdempotencyKeyReused: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["IdempotencyKeyReusedError"];
            };
        };
        /** @description The body is larger than allowed (`payload_too_large`); 100 kB under `/v1`, 1 MiB for webhooks. */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["PayloadTooLargeError"];
            };
        };
        /**
         * @description A body in a charset other than UTF-8, or a `Content-Encoding` other than none, `gzip`, `deflate` or `br`
         *     (`unsupported_media_type`); nothing was read. Compressed bodies are accepted and held to the size limit
         *     after inflating.
         */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["UnsupportedMediaTypeError"];
            };
        };
        /** @description A dependency (MongoDB) failed (`internal_error`); nothing was half-applied and retrying is safe. */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["InternalErrorError"];
            };
        };
        /** @description The database did not answer in time or could not confirm the write (paused, unreachable, restarting, a replica set electing a primary): `unavailable`, within 5 s. The request is not known to be done: nothing was half-applied, and a write may still have been made; retry with the same idempotency key, which applies it at most once and answers what happened. */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["UnavailableError"];
            };
        };
        /** @description The event is not known to be applied, so Stripe retries it: a dependency failed (`internal_error`) or the database did not answer in time or could not confirm the write (`unavailable`, e.g. during an election). Nothing was half-applied; the retry applies it exactly once. */
        WebhookNotApplied: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["InternalErrorError"] | components["schemas"]["UnavailableError"];
            };
        };
        /** @description The database did not answer in time; the page says so and asks to try again. */
        BillingPageUnavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "text/html": components["schemas"]["HtmlPage"];
            };
        };
        /** @description The write could not be completed: the account kept changing under this request (`concurrent_update`, nothing was applied), the database did not answer in time or could not confirm the write (`unavailable`: not known to be done), or the ledger refused to copy an entry because a different one is stored under its key (`ledger_conflict`, logged for an operator; see check-ledger). Retrying with the same idempotency key is safe. */
        ConcurrentUpdate: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ConcurrentUpdateError"] | components["schemas"]["LedgerConflictError"] | components["schemas"]["UnavailableError"];
            };
        };
        /** @description No credits account by that id (`customer_not_found`), or no such hold for this customer (`hold_not_found`). */
        HoldNotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["CustomerNotFoundError"] | components["schemas"]["HoldNotFoundError"];
            };
        };
        /** @description The hold already ended otherwise: a capture after it expired (`hold_expired`) or was released (`hold_released`), a release after it was captured (`hold_captured`). Nothing changed. */
        HoldEnded: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["HoldExpiredError"] | components["schemas"]["HoldCapturedError"] | components["schemas"]["HoldReleasedError"];
            };
        };
        /** @description Stripe failed or could not be reached (`stripe_error`), with Stripe's error class and request id. */
        StripeError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["StripeErrorError"];
            };
        };
        /** @description This deployment has no STRIPE_SECRET_KEY (`stripe_not_configured`). */
        StripeNotConfigured: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["StripeNotConfiguredError"];
            };
        };
        /** @description The page. */
        BillingPage: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "text/html": components["schemas"]["HtmlPage"];
            };
        };
        /** @description `Location` is the Stripe-hosted page Stripe returned; the body links to it for clients that do not follow. */
        BillingRedirect: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "text/html": components["schemas"]["HtmlPage"];
            };
        };
        /** @description An unknown, malformed or expired link; a plain page saying so, with nothing of any account. */
        BillingLinkInvalid: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "text/html": components["schemas"]["HtmlPage"];
            };
        };
        /**
         * @description This link made more than 60 requests in the last minute, or this client opened 30 links that do not exist
         *     (unknown, malformed or expired) in the last minute; `Retry-After` says when to come back.
         */
        BillingRateLimited: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "text/html": components["schemas"]["HtmlPage"];
            };
        };
        /** @description A form value the page does not offer (a quantity outside 1–1000, a price not for sale), or a forged cursor. */
        BillingPageRefused: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "text/html": components["schemas"]["HtmlPage"];
            };
        };
        /** @description A form without this link's form token, or sent from another site (`Sec-Fetch-Site`); nothing was done. */
        BillingFormForeign: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "text/html": components["schemas"]["HtmlPage"];
            };
        };
        /** @description Stripe does not know the link's customer; nothing was charged. */
        BillingStripeCustomerUnknown: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "text/html": components["schemas"]["HtmlPage"];
            };
        };
        /** @description A form body over 8 kB. */
        BillingFormTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "text/html": components["schemas"]["HtmlPage"];
            };
        };
        /** @description Stripe failed or could not be reached; nothing was charged and the page never repeats Stripe's message. */
        BillingStripeFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "text/html": components["schemas"]["HtmlPage"];
            };
        };
        /** @description A dependency (MongoDB) failed; nothing changed. */
        BillingPageFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "text/html": components["schemas"]["HtmlPage"];
            };
        };
        /** @description The form came in a Content-Encoding or charset the service does not read; nothing was charged. */
        BillingFormUnreadable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "text/html": components["schemas"]["HtmlPage"];
            };
        };
        /** @description This deployment has no STRIPE_SECRET_KEY, so the forms cannot start Checkout or the portal. */
        BillingPageBusy: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "text/html": components["schemas"]["HtmlPage"];
            };
        };
    };
    parameters: {
        /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
        Customer: components["schemas"]["Id"];
        /** @description The hold's `id`, as its creation answered it. */
        Hold: components["schemas"]["Id"];
        /** @description A Stripe customer id; it is checked before Stripe is asked. */
        StripeCustomer: components["schemas"]["StripeCustomerId"];
        /** @description The token of a link minted by `POST /v1/customers/{customer}/billing-sessions`; anything else answers 401. */
        BillingLinkToken: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is up. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        ok: true;
                    };
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description MongoDB answers; the instance can take traffic. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        ok: true;
                        /** @constant */
                        mongodb: "up";
                    };
                };
            };
            /** @description MongoDB does not answer; take the instance out of the load balancer. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        ok: false;
                        /** @constant */
                        mongodb: "down";
                    };
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every metric of the service, Prometheus text format. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
        };
    };
    receiveStripeEvent: {
        parameters: {
            query?: never;
            header: {
                /** @description Stripe's signature header (`t=…,v1=…`). Missing or wrong → 400. */
                "Stripe-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description A Stripe event, exactly as Stripe sent it (at most 1 MiB). */
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    /** @constant */
                    object: "event";
                    type: string;
                    data: Record<string, never>;
                };
            };
        };
        responses: {
            /**
             * @description The event was received. `processed`: applied now. `duplicate`: this event id was already applied.
             *     `ignored`: a type or livemode this service does not act on. `parked`: valid but not appliable yet
             *     (unknown price, no customer); stored with its reason for `replay --parked`.
             */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        received: true;
                        /** @enum {string} */
                        status: "processed" | "duplicate" | "ignored" | "parked";
                    };
                };
            };
            400: components["responses"]["InvalidWebhook"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["WebhookNotApplied"];
            503: components["responses"]["ConcurrentUpdate"];
        };
    };
    findCustomerByExternalId: {
        parameters: {
            query: {
                /** @description Your user id, as linked from `client_reference_id` or `metadata.external_id`. */
                externalId: components["schemas"]["Id"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The linked customer. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        customer: string;
                        externalId: string;
                    };
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["CustomerNotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getBalance: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The account brought up to now (due slots granted, ended ones expired). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Balance"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["CustomerNotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    createDebit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DebitRequest"];
            };
        };
        responses: {
            /** @description The same request with the same key was already applied; its first answer, unchanged. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DebitReceipt"];
                };
            };
            /** @description Spent. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DebitReceipt"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            402: components["responses"]["InsufficientCredits"];
            404: components["responses"]["CustomerNotFound"];
            409: components["responses"]["IdempotencyKeyReused"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ConcurrentUpdate"];
        };
    };
    createHold: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HoldRequest"];
            };
        };
        responses: {
            /** @description The same request with the same key was already applied; its first answer, unchanged. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HoldReceipt"];
                };
            };
            /** @description Held. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HoldReceipt"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            402: components["responses"]["InsufficientCredits"];
            404: components["responses"]["CustomerNotFound"];
            409: components["responses"]["IdempotencyKeyReused"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ConcurrentUpdate"];
        };
    };
    captureHold: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
                /** @description The hold's `id`, as its creation answered it. */
                hold: components["parameters"]["Hold"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CaptureRequest"];
            };
        };
        responses: {
            /** @description Captured now, or earlier (the first capture's answer, unchanged). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CaptureReceipt"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["HoldNotFound"];
            409: components["responses"]["HoldEnded"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ConcurrentUpdate"];
        };
    };
    releaseHold: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
                /** @description The hold's `id`, as its creation answered it. */
                hold: components["parameters"]["Hold"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Released now or earlier, or expired. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HoldReceipt"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["HoldNotFound"];
            409: components["responses"]["HoldEnded"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ConcurrentUpdate"];
        };
    };
    getLedger: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The `nextCursor` of the previous page. */
                cursor?: components["schemas"]["Id"];
            };
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of entries. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entries: components["schemas"]["LedgerEntry"][];
                        /** @description null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["CustomerNotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    startSubscriptionCheckout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SubscriptionCheckoutRequest"];
            };
        };
        responses: {
            /** @description Redirect the user to `url`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckoutSession"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["CustomerNotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            502: components["responses"]["StripeError"];
            503: components["responses"]["StripeNotConfigured"];
        };
    };
    startTopupCheckout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A Stripe customer id; it is checked before Stripe is asked. */
                customer: components["parameters"]["StripeCustomer"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TopupCheckoutRequest"];
            };
        };
        responses: {
            /** @description Redirect the user to `url`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckoutSession"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["CustomerNotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            502: components["responses"]["StripeError"];
            503: components["responses"]["StripeNotConfigured"];
        };
    };
    openCustomerPortal: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A Stripe customer id; it is checked before Stripe is asked. */
                customer: components["parameters"]["StripeCustomer"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    returnUrl: components["schemas"]["RedirectUrl"];
                };
            };
        };
        responses: {
            /** @description Redirect the user to `url`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        url: components["schemas"]["StripeHostedUrl"];
                    };
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["CustomerNotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            502: components["responses"]["StripeError"];
            503: components["responses"]["StripeNotConfigured"];
        };
    };
    createBillingSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["BillingSessionRequest"];
            };
        };
        responses: {
            /** @description The link and when it stops working. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description `PUBLIC_URL/billing/<token>`, the token 43 base64url characters. */
                        url: string;
                        expiresAt: components["schemas"]["Instant"];
                    };
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["CustomerNotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    showBillingPage: {
        parameters: {
            query?: {
                paid?: string;
                canceled?: string;
            };
            header?: never;
            path: {
                /** @description The token of a link minted by `POST /v1/customers/{customer}/billing-sessions`; anything else answers 401. */
                token: components["parameters"]["BillingLinkToken"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["BillingPage"];
            401: components["responses"]["BillingLinkInvalid"];
            429: components["responses"]["BillingRateLimited"];
            500: components["responses"]["BillingPageFailed"];
            503: components["responses"]["BillingPageUnavailable"];
        };
    };
    showBillingActivity: {
        parameters: {
            query?: {
                /** @description From the page's "Older entries" link. */
                cursor?: components["schemas"]["Id"];
            };
            header?: never;
            path: {
                /** @description The token of a link minted by `POST /v1/customers/{customer}/billing-sessions`; anything else answers 401. */
                token: components["parameters"]["BillingLinkToken"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["BillingPage"];
            400: components["responses"]["BillingPageRefused"];
            401: components["responses"]["BillingLinkInvalid"];
            429: components["responses"]["BillingRateLimited"];
            500: components["responses"]["BillingPageFailed"];
            503: components["responses"]["BillingPageUnavailable"];
        };
    };
    buyCreditsFromBillingPage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The token of a link minted by `POST /v1/customers/{customer}/billing-sessions`; anything else answers 401. */
                token: components["parameters"]["BillingLinkToken"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["BuyCreditsForm"];
            };
        };
        responses: {
            303: components["responses"]["BillingRedirect"];
            400: components["responses"]["BillingPageRefused"];
            401: components["responses"]["BillingLinkInvalid"];
            403: components["responses"]["BillingFormForeign"];
            404: components["responses"]["BillingStripeCustomerUnknown"];
            413: components["responses"]["BillingFormTooLarge"];
            415: components["responses"]["BillingFormUnreadable"];
            429: components["responses"]["BillingRateLimited"];
            502: components["responses"]["BillingStripeFailed"];
            503: components["responses"]["BillingPageBusy"];
        };
    };
    manageSubscriptionFromBillingPage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The token of a link minted by `POST /v1/customers/{customer}/billing-sessions`; anything else answers 401. */
                token: components["parameters"]["BillingLinkToken"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["PageForm"];
            };
        };
        responses: {
            303: components["responses"]["BillingRedirect"];
            401: components["responses"]["BillingLinkInvalid"];
            403: components["responses"]["BillingFormForeign"];
            404: components["responses"]["BillingStripeCustomerUnknown"];
            415: components["responses"]["BillingFormUnreadable"];
            429: components["responses"]["BillingRateLimited"];
            502: components["responses"]["BillingStripeFailed"];
            503: components["responses"]["BillingPageBusy"];
        };
    };
    adjustCredits: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The Stripe customer id (`cus_…`) the credits account belongs to. */
                customer: components["parameters"]["Customer"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AdjustmentRequest"];
            };
        };
        responses: {
            /** @description The same request with the same key was already applied; its first answer, unchanged. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdjustmentReceipt"];
                };
            };
            /** @description The adjustment's ledger entry and the balance right after it. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdjustmentReceipt"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            402: components["responses"]["InsufficientCredits"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["CustomerNotFound"];
            409: components["responses"]["IdempotencyKeyReused"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ConcurrentUpdate"];
        };
    };
    runDue: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /**
                     * Format: date-time
                     * @description Settle as of this past instant (default now); a future instant is refused (400).
                     */
                    asOf?: string;
                };
            };
        };
        responses: {
            /** @description How many slot grants and expiries were written, and how many accounts failed (the sweep goes on past them). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        granted: number;
                        expired: number;
                        /** @description Accounts that could not be brought up to date; they stay due and the next run retries them. */
                        failed: number;
                    };
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getClock: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The service's current time. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Clock"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["ClockDisabled"];
        };
    };
    setClock: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Clock"];
            };
        };
        responses: {
            /** @description The service's time, now the instant sent. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Clock"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["ClockDisabled"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
        };
    };
    receiveSignal: {
        parameters: {
            query?: never;
            header: {
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, one `v1` per secret while APP_WEBHOOK_SECRET is rotated. */
                "X-Credits-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Signal"];
            };
        };
        responses: {
            /** @description Any 2xx acknowledges the signal; anything else (or no answer within 10 s) is retried. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
        };
    };
}
