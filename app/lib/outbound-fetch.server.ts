import { fetch as undiciFetch } from "undici";

// Every call Kontera makes to another service (Fortnox, Visma, Shopify's token endpoint) goes
// through undici's fetch, never the global one. remix-serve swaps the global fetch for
// @remix-run/web-fetch, and when that one aborts a request with a body (our timeouts) it leaves a
// rejected promise nobody can handle: Node ends the process, and a token exchange that timed out
// took the whole web process down with it (found by the fault suite). The worker runs on Node's
// own fetch, which is undici too, so both processes now behave the same.
export const outboundFetch = undiciFetch as unknown as typeof fetch;
